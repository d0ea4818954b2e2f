import { Link } from 'react-router-dom';
import type { PlanCode } from '../gql/graphql';
import { checkoutFor, planName } from './tier';

/**
 * What stands in for Play when the viewer's plan does not cover a title: that plan's
 * checkout, coming back to the title ("Upgrade to Premium to watch", or "Choose Premium to
 * watch" without a membership).
 */
export function UpgradeLink({ needed, titleId, member }: { needed: PlanCode; titleId: string; member: boolean }) {
  return (
    <Link className="button primary" to={checkoutFor(needed, `/title/${titleId}`)}>
      {member ? `Upgrade to ${planName(needed)} to watch` : `Choose ${planName(needed)} to watch`}
    </Link>
  );
}
