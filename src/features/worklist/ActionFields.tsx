/**
 * The pieces the Task action forms share: the disclosure that holds one
 * action's form, and the reason, note and outcome fields.
 */
import { useId, type FormEvent, type ReactNode } from 'react';
import { CONTACT_OUTCOMES, type TaskActionInput } from '../../domain/tasks';

/** The peer's unsaved words, kept by the detail view across saves, 412s and re-renders. */
export type Draft = Omit<TaskActionInput, 'kind'>;

type DraftProps = { draft: Draft; setDraft: (d: Draft) => void };

/** A disclosure holding one action's form: keyboard-operable without script. */
export function ActionForm({
  title,
  button,
  onSubmit,
  busy,
  children,
}: {
  title: string;
  button: string;
  onSubmit: () => void;
  busy: boolean;
  children: ReactNode;
}) {
  const handle = (e: FormEvent) => {
    e.preventDefault();
    onSubmit();
  };
  return (
    <details className="worklist-action">
      <summary>{title}</summary>
      <form onSubmit={handle} noValidate aria-label={title.replace('…', '')}>
        {children}
        <button type="submit" disabled={busy}>
          {button}
        </button>
      </form>
    </details>
  );
}

export function ReasonField({ label, draft, setDraft }: DraftProps & { label: string }) {
  const id = useId();
  return (
    <p>
      <label htmlFor={id}>{label} (required)</label>
      <br />
      <textarea
        id={id}
        rows={2}
        aria-required="true"
        value={draft.reason ?? ''}
        onChange={(e) => setDraft({ ...draft, reason: e.target.value })}
      />
    </p>
  );
}

export function NoteField({
  label,
  required,
  draft,
  setDraft,
}: DraftProps & { label: string; required: boolean }) {
  const id = useId();
  return (
    <p>
      <label htmlFor={id}>
        {label}
        {required ? ' (required)' : ' (optional)'}
      </label>
      <br />
      <textarea
        id={id}
        rows={3}
        aria-required={required}
        value={draft.note ?? ''}
        onChange={(e) => setDraft({ ...draft, note: e.target.value })}
      />
    </p>
  );
}

export function OutcomeField({ legend, draft, setDraft }: DraftProps & { legend: string }) {
  const name = useId();
  return (
    <fieldset>
      <legend>{legend} (required)</legend>
      {CONTACT_OUTCOMES.map((c) => (
        <label key={c.code} className="worklist-choice">
          <input
            type="radio"
            name={name}
            value={c.code}
            checked={draft.outcome === c.code}
            onChange={() => setDraft({ ...draft, outcome: c.code })}
          />{' '}
          {c.display}
        </label>
      ))}
    </fieldset>
  );
}
