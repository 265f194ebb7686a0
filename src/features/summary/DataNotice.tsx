import { useContext, useId, useState } from 'react';
import type { Unreadable } from '../../domain/core';
import { ResourceLookupContext } from '../../ui/EvidenceDisclosure';
import { plural } from './view';

/** "3 records could not be interpreted", with the list and reasons on demand. */
export function DataNotice({ unreadable }: { unreadable: Unreadable[] }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const lookup = useContext(ResourceLookupContext);
  const seen = new Set<string>();
  const items = unreadable.filter((u) => {
    const k = `${u.reference} ${u.reason}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const records = new Set(items.map((u) => u.reference)).size;
  if (records === 0) return null;
  return (
    <div className="data-notice" role="note">
      <p>
        {plural(records, 'record')} could not be interpreted and {records === 1 ? 'is' : 'are'} left
        out of the statements below.{' '}
        <button
          type="button"
          aria-expanded={open}
          aria-controls={id}
          onClick={() => setOpen((o) => !o)}
        >
          {open ? 'Hide details' : 'Show details'}
        </button>
      </p>
      {open && (
        <ul id={id}>
          {items.map((u) => {
            const line = lookup(u.reference);
            return (
              <li key={`${u.reference} ${u.reason}`}>
                {line
                  ? `${line.type}${line.date ? ` · ${line.date}` : ''} · ${line.display}`
                  : u.reference}
                : {u.reason}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
