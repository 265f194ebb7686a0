import { createContext, useContext, useId, useState } from 'react';
import type { Evidence } from '../domain/core';

/** One readable line about a resource behind a statement. */
export interface ResourceLine {
  /** "Medication order", "Urine drug test", … */
  type: string;
  /** ISO date, when the resource has one. */
  date?: string;
  display: string;
}

/** Screens provide how a reference ("Encounter/abc") reads; unknown references are shown as they are. */
export const ResourceLookupContext = createContext<(reference: string) => ResourceLine | undefined>(
  () => undefined,
);

/**
 * "Why?": the rule, its detail and the resources behind a statement, behind a
 * button with aria-expanded (keyboard operable, no pop-up). Content is
 * rendered only when open, so long evidence lists cost nothing until asked for.
 */
export function EvidenceDisclosure({
  evidence,
  about,
  label = 'Evidence',
}: {
  evidence: Evidence[];
  /** What the statement is about, for the button's accessible name ("Evidence: medication"). */
  about: string;
  label?: string;
}) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const lookup = useContext(ResourceLookupContext);
  if (evidence.length === 0) return null;
  return (
    <div className="evidence">
      <button
        type="button"
        className="evidence__toggle"
        aria-expanded={open}
        aria-controls={id}
        // The visible word plus what it is about, so a list of buttons reads apart.
        aria-label={`${label}: ${about}`}
        onClick={() => setOpen((o) => !o)}
      >
        {label}
      </button>
      {open && (
        <div id={id} className="evidence__body">
          {evidence.map((e, i) => (
            <div key={`${e.rule}-${i}`} className="evidence__item">
              <p className="evidence__rule">
                Rule <code>{e.rule}</code>
                {e.detail ? `: ${e.detail}` : ''}
              </p>
              {e.resources.length > 0 ? (
                <ul className="evidence__resources">
                  {[...new Set(e.resources)].map((r) => {
                    const line = lookup(r);
                    return (
                      <li key={r}>
                        {line ? (
                          <>
                            <span className="evidence__type">{line.type}</span>
                            {line.date ? ` · ${line.date}` : ''} · {line.display}
                          </>
                        ) : (
                          <>{r} (not among the records loaded)</>
                        )}
                      </li>
                    );
                  })}
                </ul>
              ) : (
                <p className="evidence__none">
                  No record behind this statement: it is about an absence.
                </p>
              )}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
