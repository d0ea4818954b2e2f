import { graphql } from '../gql';

export const PlansQuery = graphql(`
  query Plans {
    plans {
      id
      code
      name
      priceCents
      currency
      maxStreams
      maxHeight
    }
  }
`);

export const SubscribeMutation = graphql(`
  mutation Subscribe($input: SubscribeInput!) {
    subscribe(input: $input) {
      membership {
        id
        status
        currentPeriodEnd
        pendingPlan
        plan {
          id
          code
          name
        }
      }
      payment {
        id
        status
        amountCents
        currency
      }
    }
  }
`);

export const ChangePreviewQuery = graphql(`
  query ChangePreview($plan: PlanCode!) {
    membershipChangePreview(plan: $plan) {
      change
      amountCents
      currency
      effectiveAt
      renewsAt
      quotedAt
      plan {
        id
        name
        priceCents
      }
    }
  }
`);
