/**
 * Words that stigmatise people who use substances (care-model.md: language
 * matters). No UI string may contain them; src/ui/bannedTerms.test.ts scans
 * every string literal and JSX text under src/. Matching is case-insensitive
 * and word-bounded ("addict" does not match "addiction medicine").
 */
export interface BannedTerm {
  term: string;
  /** What to say instead. */
  instead: string;
}

export const BANNED_TERMS: readonly BannedTerm[] = [
  { term: 'addict', instead: 'person with a substance use disorder' },
  { term: 'addicts', instead: 'people with a substance use disorder' },
  { term: 'addicted', instead: 'has a substance use disorder' },
  { term: 'abuser', instead: 'person who uses substances' },
  { term: 'abusers', instead: 'people who use substances' },
  { term: 'substance abuse', instead: 'substance use' },
  { term: 'drug abuse', instead: 'drug use' },
  { term: 'opioid abuse', instead: 'opioid use / opioid misuse' },
  { term: 'clean', instead: 'negative / not detected' },
  { term: 'dirty', instead: 'positive / detected' },
  { term: 'junkie', instead: 'person who uses drugs' },
  { term: 'druggie', instead: 'person who uses drugs' },
  { term: 'non-compliant', instead: 'describe what happened (e.g. "supply ran out")' },
  { term: 'noncompliant', instead: 'describe what happened (e.g. "supply ran out")' },
  { term: 'non-adherent', instead: 'describe what happened' },
  { term: 'drug-seeking', instead: 'describe the request' },
  { term: 'drug seeking', instead: 'describe the request' },
  { term: 'drug seeker', instead: 'describe the request' },
];

/** The banned terms a text contains (case-insensitive, whole words; hyphen/space variants as listed). */
export function bannedTermsIn(text: string): string[] {
  const found: string[] = [];
  for (const { term } of BANNED_TERMS) {
    const escaped = term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (new RegExp(`(?<![\\w-])${escaped}(?![\\w-])`, 'i').test(text)) found.push(term);
  }
  return found;
}
