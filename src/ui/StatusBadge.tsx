/**
 * A status shown as words with a colour and a shape, never colour alone
 * (WCAG 1.4.1): the label is always visible text.
 */
export type Tone = 'ok' | 'warning' | 'danger' | 'neutral';

const SYMBOL: Record<Tone, string> = { ok: '✓', warning: '!', danger: '‼', neutral: '–' };

export function StatusBadge({
  tone,
  label,
  className,
}: {
  tone: Tone;
  label: string;
  className?: string;
}) {
  return (
    <span className={`status-badge status-badge--${tone}${className ? ` ${className}` : ''}`}>
      <span className="status-badge__symbol" aria-hidden="true">
        {SYMBOL[tone]}
      </span>
      {label}
    </span>
  );
}
