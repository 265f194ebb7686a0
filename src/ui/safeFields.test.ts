import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  conceptText,
  contacts,
  dateText,
  mrn,
  NO_NAME,
  personName,
  preferredLanguage,
  text,
  UNREADABLE_NAME,
} from './safeFields';

describe('personName', () => {
  it('reads official, else current, else first; text before parts', () => {
    expect(
      personName([
        { use: 'old', text: 'Old Name' },
        { use: 'usual', given: ['Sam'], family: 'Lee' },
        { use: 'official', text: 'Samuel Lee' },
      ]),
    ).toBe('Samuel Lee');
    expect(
      personName([
        { use: 'old', text: 'Old' },
        { given: ['A', 'B'], family: 'C' },
      ]),
    ).toBe('A B C');
    expect(personName(undefined)).toBe(NO_NAME);
    expect(personName([])).toBe(NO_NAME);
  });

  it('a name shaped wrongly costs the name, said as unreadable, never a crash', () => {
    for (const bad of [
      { family: 'Lee' }, // an object where an array belongs
      'Lee',
      [{ text: { value: 'Lee' } }], // text as an object
      [{ given: 'Sam', family: 'Lee' }], // given not an array
      [{ family: ['Lee'] }],
      [null, 7],
    ])
      expect(personName(bad)).toBe(UNREADABLE_NAME);
  });

  it('always returns a string, whatever JSON it is given (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(typeof personName(v)).toBe('string');
        expect(typeof personName([v])).toBe('string');
      }),
    );
  });
});

describe('mrn, contacts, language, text', () => {
  it('reads the MR identifier, and nothing from a malformed list', () => {
    const mr = { type: { coding: [{ code: 'MR' }] }, value: '123' };
    expect(mrn([{ value: 'x' }, mr])).toBe('123');
    expect(mrn(mr)).toBe(undefined); // an object where an array belongs
    expect(mrn([{ type: { coding: [{ code: 'MR' }] }, value: { v: 1 } }])).toBe(undefined);
  });

  it('keeps current, readable contact points, best rank first', () => {
    expect(
      contacts([
        { system: 'phone', value: '555-0100', rank: 2, use: 'home' },
        { system: 'sms', value: '555-0101', rank: 1 },
        { system: 'phone', value: '555-0102', period: { end: '2020-01-01' } },
        { system: 'phone', value: { n: 1 } },
        'junk',
      ]),
    ).toEqual([
      { system: 'sms', value: '555-0101', rank: 1 },
      { system: 'phone', value: '555-0100', rank: 2, use: 'home' },
    ]);
    expect(contacts({ system: 'phone', value: '1' })).toEqual([]);
  });

  it('reads language and concept text only when they are text', () => {
    expect(preferredLanguage([{ language: { text: 'Spanish' }, preferred: true }])).toBe('Spanish');
    expect(preferredLanguage([{ language: { coding: [{ display: 'French' }] } }])).toBe('French');
    expect(preferredLanguage([{ language: { text: {} } }])).toBe(undefined);
    expect(conceptText({ text: 'x' })).toBe('x');
    expect(conceptText({ text: { a: 1 } })).toBe(undefined);
    expect(text(5)).toBe(undefined);
    expect(dateText('2024-03-05T10:00:00Z')).toBe('2024-03-05');
    expect(dateText({})).toBe(undefined);
  });
});
