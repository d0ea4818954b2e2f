import { describe, expect, it } from 'vitest';
import { actionLabel, planAdds } from './PlansPage';

const basic = { code: 'BASIC' as const, name: 'Basic', priceCents: 799, maxStreams: 1, maxHeight: 720 };
const standard = { code: 'STANDARD' as const, name: 'Standard', priceCents: 1399, maxStreams: 2, maxHeight: 1080 };
const premium = { code: 'PREMIUM' as const, name: 'Premium', priceCents: 1999, maxStreams: 4, maxHeight: 0 };
const all = [basic, standard, premium];

describe('planAdds', () => {
  it('says what a plan adds over the one below', () => {
    expect(planAdds(standard, basic)).toBe('Everything in Basic, plus picture up to Full HD (1080p), every Standard title, 2 streams at once.');
    expect(planAdds(premium, standard)).toContain('picture up to 4K (2160p)');
    expect(planAdds(basic, undefined)).toBe('Every title marked for all plans.');
  });
});

describe('actionLabel', () => {
  it('names the plan and what choosing it does', () => {
    expect(actionLabel(standard, all, null)).toBe('Choose Standard');
    expect(actionLabel(premium, all, 'STANDARD')).toBe('Upgrade to Premium');
    expect(actionLabel(basic, all, 'STANDARD')).toBe('Switch to Basic');
  });
});
