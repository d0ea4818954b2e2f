import type { PlanCode } from '../gql/graphql';

const RANK: Record<PlanCode, number> = { BASIC: 0, STANDARD: 1, PREMIUM: 2 };
const NAME: Record<PlanCode, string> = { BASIC: 'Basic', STANDARD: 'Standard', PREMIUM: 'Premium' };

export const planName = (code: PlanCode) => NAME[code];

/**
 * The plan a viewer needs for a title, or null when theirs covers it: a title with a
 * minimum plan needs that plan from a viewer without one in force or on a lower one.
 */
export function planNeeded(minPlan: PlanCode | null | undefined, mine: PlanCode | null | undefined): PlanCode | null {
  if (!minPlan) return null;
  if (mine && RANK[mine] >= RANK[minPlan]) return null;
  return minPlan;
}

/** Where a viewer goes to get plan: its checkout, coming back to `back` afterwards. */
export const checkoutFor = (plan: PlanCode, back: string) => `/plans/${plan.toLowerCase()}?next=${encodeURIComponent(back)}`;
