import { describe, expect, it } from 'vitest';
import { initials, needsPin } from './choose';

const adult = { id: '1', kids: false, hasPin: false };
const locked = { id: '2', kids: false, hasPin: true };
const kid = { id: '3', kids: true, hasPin: false };
const lockedKid = { id: '4', kids: true, hasPin: true };

describe('needsPin', () => {
  it('asks for the PIN of a locked profile, from anywhere', () => {
    expect(needsPin(locked, adult)).toBe(true);
    expect(needsPin(locked, kid)).toBe(true);
    expect(needsPin(locked, null)).toBe(true);
  });
  it('never for the profile already watching', () => {
    expect(needsPin(locked, locked)).toBe(false);
  });
  it('asks to leave a locked Kids profile for an unlocked grown-up one', () => {
    expect(needsPin(adult, lockedKid)).toBe(true);
    expect(needsPin(kid, lockedKid)).toBe(false);
    expect(needsPin(adult, kid)).toBe(false);
  });
});

describe('initials', () => {
  it('takes the first letters of two words', () => {
    expect(initials('ada lovelace king')).toBe('AL');
    expect(initials('  Émile ')).toBe('É');
    expect(initials('')).toBe('');
  });
});
