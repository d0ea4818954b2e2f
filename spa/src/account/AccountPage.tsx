import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import { useSession } from '../auth/session';
import { graphql } from '../gql';
import { formError } from '../lib/errors';
import { formatDate, formatPrice } from '../lib/format';
import { ManageProfiles } from '../profiles/ManageProfiles';
import { Security } from './Security';
import { useTitle } from '../app/title';
import './account.css';

const AccountQuery = graphql(`
  query Account {
    me {
      id
      name
      email
      country
      membership {
        id
        status
        currentPeriodEnd
        pendingPlan
        canceledAt
        graceUntil
        cardBrand
        cardLast4
        paymentMethod
        plan {
          id
          code
          name
          priceCents
          currency
        }
      }
      payments(first: 50, orderBy: { field: CREATED_AT, direction: DESC }) {
        totalCount
        edges {
          node {
            id
            createdAt
            plan
            amountCents
            currency
            status
            reason
            method
            brand
            last4
            paypalEmail
            failureMessage
          }
        }
      }
    }
  }
`);

const CancelMutation = graphql(`
  mutation CancelMembership {
    cancelMembership {
      id
      status
      canceledAt
      currentPeriodEnd
    }
  }
`);

const STATUS: Record<string, string> = {
  ACTIVE: 'Active',
  CANCELED: 'Canceled',
  PAST_DUE: 'Payment overdue',
  EXPIRED: 'Expired',
};

function words(s: string): string {
  return s.charAt(0) + s.slice(1).toLowerCase().replace(/_/g, ' ');
}

export function AccountPage() {
  useTitle('Account');
  const [{ data, error }, reexecute] = useQuery({ query: AccountQuery, requestPolicy: 'cache-and-network' });
  const [cancel, cancelMembership] = useMutation(CancelMutation);
  const [confirming, setConfirming] = useState(false);
  const { refresh } = useSession();
  const me = data?.me;
  if (error && !data) return <main className="page"><p role="alert" className="alert">{formError(error)}</p></main>;
  if (!me) return <main className="page"><p className="muted" role="status">Loading…</p></main>;
  const m = me.membership;
  const payments = (me.payments.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));

  async function doCancel() {
    const res = await cancelMembership({});
    setConfirming(false);
    if (res.data) {
      refresh();
      reexecute({ requestPolicy: 'network-only' });
    }
  }

  return (
    <main className="page account">
      <h1>Account</h1>
      <section aria-labelledby="profile-heading" className="card">
        <h2 id="profile-heading">Profile</h2>
        <dl className="facts">
          <dt>Name</dt>
          <dd>{me.name}</dd>
          <dt>Email</dt>
          <dd>{me.email}</dd>
          <dt>Country</dt>
          <dd>{me.country}</dd>
        </dl>
      </section>

      <ManageProfiles />

      <section aria-labelledby="membership-heading" className="card">
        <h2 id="membership-heading">Membership</h2>
        {!m ? (
          <p>
            You have no membership yet. <Link to="/plans">Choose a plan</Link>
          </p>
        ) : (
          <>
            <dl className="facts">
              <dt>Plan</dt>
              <dd>
                {m.plan.name} ({formatPrice(m.plan.priceCents, m.plan.currency)} a month)
              </dd>
              <dt>Status</dt>
              <dd>{STATUS[m.status] ?? m.status}</dd>
              <dt>{m.status === 'ACTIVE' ? 'Renews on' : m.status === 'EXPIRED' ? 'Ended on' : 'Ends on'}</dt>
              <dd>{formatDate(m.currentPeriodEnd)}</dd>
              {m.pendingPlan && (
                <>
                  <dt>Next plan</dt>
                  <dd>{words(m.pendingPlan)} from {formatDate(m.currentPeriodEnd)}</dd>
                </>
              )}
              {m.paymentMethod && (
                <>
                  <dt>Paid with</dt>
                  <dd>{m.paymentMethod === 'CARD' ? `${m.cardBrand || 'Card'} ending ${m.cardLast4}` : 'PayPal'}</dd>
                </>
              )}
            </dl>
            <div className="title-actions">
              <Link className="button" to="/plans">
                Change plan
              </Link>
              {m.status === 'ACTIVE' &&
                (confirming ? (
                  <>
                    <button type="button" className="primary" onClick={doCancel} disabled={cancel.fetching}>
                      Confirm cancellation
                    </button>
                    <button type="button" onClick={() => setConfirming(false)}>
                      Keep my plan
                    </button>
                  </>
                ) : (
                  <button type="button" onClick={() => setConfirming(true)}>
                    Cancel membership
                  </button>
                ))}
            </div>
            {confirming && <p className="muted">You can keep watching until {formatDate(m.currentPeriodEnd)}.</p>}
            {cancel.error && <p role="alert" className="alert">{formError(cancel.error)}</p>}
          </>
        )}
      </section>

      <section aria-labelledby="payments-heading" className="card">
        <h2 id="payments-heading">Payment history</h2>
        {payments.length === 0 ? (
          <p className="muted">No payments yet.</p>
        ) : (
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">Plan</th>
                  <th scope="col">For</th>
                  <th scope="col">Amount</th>
                  <th scope="col">Method</th>
                  <th scope="col">Result</th>
                </tr>
              </thead>
              <tbody>
                {payments.map((p) => (
                  <tr key={p.id}>
                    <td>{formatDate(p.createdAt)}</td>
                    <td>{words(p.plan)}</td>
                    <td>{words(p.reason)}</td>
                    <td>{formatPrice(p.amountCents, p.currency)}</td>
                    <td>{p.method === 'CARD' ? `${p.brand || 'Card'} ····${p.last4}` : `PayPal ${p.paypalEmail}`}</td>
                    <td>{p.status === 'FAILED' ? `Declined: ${p.failureMessage}` : words(p.status)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <Security />
    </main>
  );
}
