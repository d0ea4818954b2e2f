import { describe, expect, it } from 'vitest';
import { countries, countryLabel, parseCountry, validateSignup } from './countries';

const list = countries('en');

describe('countries', () => {
  it('names every country the server accepts, by name', () => {
    expect(list).toHaveLength(249);
    const fr = list.find((c) => c.code === 'FR')!;
    expect(fr.name).toBe('France');
    expect(countryLabel(fr)).toBe('France (FR)');
  });
});

describe('parseCountry', () => {
  it('reads a label, a name or a code', () => {
    expect(parseCountry('France (FR)', list)).toBe('FR');
    expect(parseCountry('  germany ', list)).toBe('DE');
    expect(parseCountry('gb', list)).toBe('GB');
  });
  it('refuses what names no country', () => {
    expect(parseCountry('Atlantis', list)).toBeNull();
    expect(parseCountry('XX', list)).toBeNull();
    expect(parseCountry('', list)).toBeNull();
  });
});

describe('validateSignup', () => {
  it('reports every field at once', () => {
    const errs = validateSignup({ name: ' ', email: 'nope', password: 'short', country: 'Atlantis' }, list);
    expect(Object.keys(errs).sort()).toEqual(['country', 'email', 'name', 'password']);
  });
  it('passes a good form', () => {
    expect(validateSignup({ name: 'Ada', email: 'ada@example.com', password: 'correct horse', country: 'France (FR)' }, list)).toEqual({});
  });
});
