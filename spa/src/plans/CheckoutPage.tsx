import { useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import { safeNext } from '../auth/LoginPage';
import { useSession } from '../auth/session';
import { Field, FormAlert } from '../app/Field';
import type { PlanCode } from '../gql/graphql';
import { apiErrors, describeError } from '../lib/errors';
import { formatDate, formatPrice } from '../lib/format';
import { EMPTY_FORM, fingerprint, formFieldFor, nextAttempt, payLabel, previewSentence, toPaymentInput, type Attempt, type CheckoutForm, type Method } from './checkout';
import { ChangePreviewQuery, PlansQuery, SubscribeMutation } from './documents';
import { useTitle } from '../app/title';
import './plans.css';

const METHODS: { id: Method; label: string }[] = [
  { id: 'card', label: 'Card' },
  { id: 'paypal', label: 'PayPal' },
];

export function CheckoutPage() {
  const { code = '' } = useParams();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [{ data }] = useQuery({ query: PlansQuery });
  const plan = data?.plans.find((p) => p.code.toLowerCase() === code.toLowerCase());
  useTitle(plan ? `Checkout: ${plan.name}` : 'Checkout');
  // What today costs, asked of the server with the rules it charges by; its quote is sent
  // back with the payment, so the amount shown is the amount charged.
  const [preview] = useQuery({
    query: ChangePreviewQuery,
    variables: { plan: (plan?.code ?? 'BASIC') as PlanCode },
    pause: !plan,
    requestPolicy: 'network-only',
  });
  const quote = preview.data?.membershipChangePreview;
  const { refresh } = useSession();
  const [result, subscribe] = useMutation(SubscribeMutation);
  const [form, setForm] = useState<CheckoutForm>(EMPTY_FORM);
  const attempt = useRef<Attempt | null>(null);
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);

  if (!data) return <main className="page"><p className="muted" role="status">Loading…</p></main>;
  if (!plan) {
    return (
      <main className="page">
        <h1>No such plan</h1>
        <Link to="/plans">See the plans</Link>
      </main>
    );
  }

  const done = result.data?.subscribe;
  if (done) {
    const m = done.membership;
    return (
      <main className="page narrow-wide">
        <h1>You're on {m.plan.name}</h1>
        <p className="notice" role="status">
          {done.payment
            ? `Payment of ${formatPrice(done.payment.amountCents, done.payment.currency)} received.`
            : 'Your plan has been updated.'}{' '}
          {m.pendingPlan ? `The change applies on ${formatDate(m.currentPeriodEnd)}.` : `Renews on ${formatDate(m.currentPeriodEnd)}.`}
        </p>
        <Link className="button primary" to={next}>
          {next === '/' ? 'Start watching' : 'Continue'}
        </Link>
      </main>
    );
  }

  const errs = apiErrors(result.error);
  const inline: Partial<Record<keyof CheckoutForm, string>> = {};
  for (const e of errs) {
    const f = e.code === 'BAD_USER_INPUT' && e.field ? formFieldFor(e.field) : null;
    if (f && !inline[f]) inline[f] = e.message;
  }
  const general = errs.find((e) => !(e.code === 'BAD_USER_INPUT' && e.field && formFieldFor(e.field)));

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    const planCode = plan!.code as PlanCode;
    attempt.current = nextAttempt(attempt.current, fingerprint(planCode, form), () => crypto.randomUUID());
    const res = await subscribe({
      input: { plan: planCode, payment: toPaymentInput(form), idempotencyKey: attempt.current.key, quotedAt: quote?.quotedAt ?? null },
    });
    if (res.data) refresh();
  }

  const set = (k: keyof CheckoutForm) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const selectTab = (m: Method) => setForm({ ...form, method: m });
  const onTabKey = (e: KeyboardEvent, i: number) => {
    const dir = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!dir) return;
    e.preventDefault();
    const j = (i + dir + METHODS.length) % METHODS.length;
    selectTab(METHODS[j]!.id);
    tabs.current[j]?.focus();
  };

  return (
    <main className="page narrow-wide">
      <h1>Checkout: {plan.name}</h1>
      <p className="muted">
        {formatPrice(plan.priceCents, plan.currency)} a month · {plan.maxStreams} {plan.maxStreams === 1 ? 'stream' : 'streams'} at once
      </p>
      {quote && (
        <p className="notice" data-testid="charge-preview">
          {previewSentence(quote)}
        </p>
      )}
      {preview.error && <FormAlert message={preview.error.graphQLErrors[0]?.message ?? 'Could not work out the price.'} />}
      <div role="tablist" aria-label="Payment method" className="tabs">
        {METHODS.map((m, i) => (
          <button
            key={m.id}
            ref={(el) => {
              tabs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`tab-${m.id}`}
            aria-selected={form.method === m.id}
            aria-controls="payment-panel"
            tabIndex={form.method === m.id ? 0 : -1}
            onClick={() => selectTab(m.id)}
            onKeyDown={(e) => onTabKey(e, i)}
          >
            {m.label}
          </button>
        ))}
      </div>
      <form id="payment-panel" role="tabpanel" aria-labelledby={`tab-${form.method}`} onSubmit={submit} noValidate className="stack panel">
        <FormAlert message={general ? describeError(general) : null} />
        {form.method === 'card' ? (
          <>
            <Field label="Card number" inputMode="numeric" autoComplete="cc-number" value={form.cardNumber} onChange={set('cardNumber')} error={inline.cardNumber} />
            <div className="row">
              <Field label="Expiry (MM/YY)" autoComplete="cc-exp" placeholder="MM/YY" value={form.expiry} onChange={set('expiry')} error={inline.expiry} />
              <Field label="Security code" inputMode="numeric" autoComplete="cc-csc" value={form.cvc} onChange={set('cvc')} error={inline.cvc} />
            </div>
            <Field label="Name on card" autoComplete="cc-name" value={form.cardName} onChange={set('cardName')} error={inline.cardName} />
          </>
        ) : (
          <Field label="PayPal email" type="email" autoComplete="email" value={form.paypalEmail} onChange={set('paypalEmail')} error={inline.paypalEmail} />
        )}
        <button type="submit" className="primary" disabled={result.fetching}>
          {result.fetching ? 'Paying…' : payLabel(quote)}
        </button>
      </form>
    </main>
  );
}
