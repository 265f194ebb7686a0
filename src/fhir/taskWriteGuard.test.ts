import type { Task } from 'fhir/r4';
import { describe, expect, it } from 'vitest';
import { FhirError } from './errors';
import {
  carriesWrite,
  ChangedByOthers,
  saveTaskOnce,
  stampWrite,
  WRITE_ID_EXTENSION,
} from './taskWriteGuard';
import type { FhirRequest, Transport } from './transport';

const attempt = (text: string) => ({ type: { text: 'attempt' }, valueAnnotation: { text } });
const base: Task & { id: string } = {
  resourceType: 'Task',
  id: 't1',
  meta: { versionId: '1' },
  status: 'in-progress',
  intent: 'order',
  output: [attempt('earlier')],
};

describe('stampWrite / carriesWrite', () => {
  it('stamps the Task and only the outputs the write adds', () => {
    const next: Task = { ...base, output: [...(base.output ?? []), attempt('new')] };
    const stamped = stampWrite(base, next, 'w1');
    expect(stamped.extension).toEqual([{ url: WRITE_ID_EXTENSION, valueString: 'w1' }]);
    expect(stamped.output?.[0]?.extension).toBe(undefined);
    expect(stamped.output?.[1]?.extension).toEqual([
      { url: WRITE_ID_EXTENSION, valueString: 'w1' },
    ]);
    expect(carriesWrite(stamped, 'w1')).toBe(true);
    expect(carriesWrite(stamped, 'w2')).toBe(false);
    // a later write replaces the Task's stamp; the output keeps the first
    const later = stampWrite(stamped, { ...stamped, status: 'completed' }, 'w2');
    expect(carriesWrite(later, 'w1')).toBe(true);
    expect(later.extension).toEqual([{ url: WRITE_ID_EXTENSION, valueString: 'w2' }]);
  });
});

/** A server holding one Task: PUT with the right version commits; `answer` may lose the reply. */
function server(answer: (n: number) => 'ok' | 'lose' = () => 'ok') {
  let current: Task = { ...base };
  let version = 1;
  let puts = 0;
  const send: Transport = async (req: FhirRequest) => {
    if (req.method === 'PUT') {
      if (req.headers?.['If-Match'] !== `W/"${version}"`)
        throw new FhirError('conflict', '412', 412);
      version++;
      current = { ...(req.body as Task), meta: { versionId: String(version) } };
      if (answer(++puts) === 'lose')
        throw new FhirError('server', 'The FHIR server answered 500.', 500);
      return { status: 200, etag: `W/"${version}"`, body: current };
    }
    return { status: 200, etag: `W/"${version}"`, body: current };
  };
  return { send, now: () => current };
}

describe('saveTaskOnce', () => {
  const next = { ...base, output: [...(base.output ?? []), attempt('reached')] };

  it('a write that commits but answers 500 is read back and said saved, once', async () => {
    const s = server(() => 'lose');
    const out = await saveTaskOnce(s.send, base, next, 'W/"1"', 'w1');
    expect(out.recovered).toBe(true);
    expect(s.now().output?.filter((o) => o.valueAnnotation?.text === 'reached')).toHaveLength(1);
  });

  it('saving again with the same id after a lost answer meets 412, and is recognised', async () => {
    const s = server((n) => (n === 1 ? 'lose' : 'ok'));
    // first try: the read-back is not possible here (as if it failed), so the error reaches the person
    const broken: Transport = async (req) => {
      if (req.method !== 'PUT') throw new FhirError('network', 'offline');
      return s.send(req);
    };
    await expect(saveTaskOnce(broken, base, next, 'W/"1"', 'w1')).rejects.toMatchObject({
      kind: 'server',
    });
    const again = await saveTaskOnce(s.send, base, next, 'W/"1"', 'w1');
    expect(again.recovered).toBe(true);
    expect(s.now().output?.filter((o) => o.valueAnnotation?.text === 'reached')).toHaveLength(1);
  });

  it('a 412 from someone else’s change is a conflict with the current version', async () => {
    const s = server();
    await s.send({
      url: 'Task/t1',
      method: 'PUT',
      headers: { 'If-Match': 'W/"1"' },
      body: { ...base, status: 'on-hold' },
    });
    const e = await saveTaskOnce(s.send, base, next, 'W/"1"', 'w1').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ChangedByOthers);
    expect((e as ChangedByOthers).current.resource.status).toBe('on-hold');
  });
});
