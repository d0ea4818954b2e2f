import { describe, expect, it } from 'vitest';
import { keyState, toggle } from './integrations';

describe('toggle', () => {
  it('adds what is missing and removes what is there', () => {
    expect(toggle(['a'], 'b')).toEqual(['a', 'b']);
    expect(toggle(['a', 'b'], 'a')).toEqual(['b']);
    expect(toggle([], 'a')).toEqual(['a']);
  });
});

describe('keyState', () => {
  const now = new Date('2026-12-06T12:00:00Z');
  it('tells revoked, expired and active keys apart', () => {
    expect(keyState({ active: false, revokedAt: '2026-12-01T00:00:00Z' }, now)).toMatch(/^Revoked /);
    expect(keyState({ active: false, expiresAt: '2026-12-05T00:00:00Z' }, now)).toBe('Expired');
    expect(keyState({ active: true }, now)).toBe('Active');
    expect(keyState({ active: true, expiresAt: '2027-01-01T00:00:00Z' }, now)).toMatch(/^Active until /);
  });
});
