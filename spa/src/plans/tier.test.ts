import { describe, expect, it } from 'vitest';
import { checkoutFor, planNeeded } from './tier';

describe('planNeeded', () => {
  it('is nothing for titles on every plan', () => {
    expect(planNeeded(null, null)).toBeNull();
    expect(planNeeded(undefined, 'BASIC')).toBeNull();
  });
  it('names the title’s plan when the viewer’s is lower or missing', () => {
    expect(planNeeded('PREMIUM', 'STANDARD')).toBe('PREMIUM');
    expect(planNeeded('STANDARD', 'BASIC')).toBe('STANDARD');
    expect(planNeeded('STANDARD', null)).toBe('STANDARD');
  });
  it('is nothing when the viewer’s plan covers it', () => {
    expect(planNeeded('STANDARD', 'STANDARD')).toBeNull();
    expect(planNeeded('BASIC', 'PREMIUM')).toBeNull();
  });
});

describe('checkoutFor', () => {
  it('opens that plan’s checkout and comes back', () => {
    expect(checkoutFor('PREMIUM', '/title/7')).toBe('/plans/premium?next=%2Ftitle%2F7');
  });
});
