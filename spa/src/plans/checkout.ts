import type { PaymentInput, PlanCode } from '../gql/graphql';
import { formatDate, formatPrice } from '../lib/format';

export type Method = 'card' | 'paypal';

export interface CheckoutForm {
  method: Method;
  cardNumber: string;
  expiry: string;
  cvc: string;
  cardName: string;
  paypalEmail: string;
}

export const EMPTY_FORM: CheckoutForm = { method: 'card', cardNumber: '', expiry: '', cvc: '', cardName: '', paypalEmail: '' };

/** "MM/YY" or "MM/YYYY" (spaces allowed) → month and four-digit year; null when it is not a date. */
export function parseExpiry(text: string): { month: number; year: number } | null {
  const m = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(text);
  if (!m) return null;
  const month = Number(m[1]);
  let year = Number(m[2]);
  if (m[2]!.length === 2) year += 2000;
  if (month < 1 || month > 12) return null;
  return { month, year };
}

/** The payment the API takes for the form's chosen method. */
export function toPaymentInput(f: CheckoutForm): PaymentInput {
  if (f.method === 'paypal') return { paypal: { email: f.paypalEmail.trim() } };
  const exp = parseExpiry(f.expiry);
  return {
    card: {
      number: f.cardNumber,
      // An unreadable expiry goes out as 0 so the server names the field that is wrong.
      expMonth: exp?.month ?? 0,
      expYear: exp?.year ?? 0,
      cvc: f.cvc.trim(),
      name: f.cardName.trim(),
    },
  };
}

/**
 * What identifies a purchase for idempotency: the plan and exactly what would be
 * charged. Spaces in a card number do not make it another card.
 */
export function fingerprint(plan: PlanCode, f: CheckoutForm): string {
  const pay = toPaymentInput(f);
  if (pay.card) pay.card = { ...pay.card, number: pay.card.number.replace(/[\s-]/g, '') };
  return JSON.stringify([plan, pay]);
}

export interface Attempt {
  key: string;
  fingerprint: string;
}

/**
 * The idempotency key for the next submit. Sending the same purchase again (a
 * retry after a timeout, a double click) reuses the key, so the server charges at
 * most once; any change to the plan or the payment details is a new purchase and
 * gets a new key, since the server refuses a key reused for a different request.
 */
export function nextAttempt(prev: Attempt | null, fp: string, newKey: () => string): Attempt {
  if (prev && prev.fingerprint === fp) return prev;
  return { key: newKey(), fingerprint: fp };
}

/** Server field paths → the form field that shows the message. */
export function formFieldFor(serverField: string): keyof CheckoutForm | null {
  switch (serverField) {
    case 'payment.card.number':
      return 'cardNumber';
    case 'payment.card.expMonth':
    case 'payment.card.expYear':
      return 'expiry';
    case 'payment.card.cvc':
      return 'cvc';
    case 'payment.card.name':
      return 'cardName';
    case 'payment.paypal.email':
      return 'paypalEmail';
    default:
      return null;
  }
}

/** What a preview of a plan change says, as the checkout needs it. */
export interface ChangePreview {
  change: 'NEW' | 'UPGRADE' | 'DOWNGRADE' | 'RESUME';
  amountCents: number;
  currency: string;
  effectiveAt: string;
  renewsAt: string;
  plan: { name: string; priceCents: number };
}

/** The sentence that tells the viewer, before they pay, what today costs and what follows. */
export function previewSentence(p: ChangePreview, locale?: string): string {
  const monthly = formatPrice(p.plan.priceCents, p.currency, locale);
  const today = formatPrice(p.amountCents, p.currency, locale);
  switch (p.change) {
    case 'NEW':
      return `You pay ${today} today, then ${monthly} a month from ${formatDate(p.renewsAt, locale)}.`;
    case 'UPGRADE':
      return `You pay ${today} today for the rest of this billing period, and ${p.plan.name} starts now. Then ${monthly} a month from ${formatDate(p.renewsAt, locale)}.`;
    case 'DOWNGRADE':
      return `Nothing to pay today. ${p.plan.name} starts on ${formatDate(p.effectiveAt, locale)}, at ${monthly} a month.`;
    case 'RESUME':
      return `Nothing to pay today. ${p.plan.name} goes on, renewing on ${formatDate(p.renewsAt, locale)} at ${monthly} a month.`;
  }
}

/** The checkout button's words: the amount charged today, or a change that costs nothing now. */
export function payLabel(p: ChangePreview | undefined, locale?: string): string {
  if (!p) return 'Pay';
  return p.amountCents > 0 ? `Pay ${formatPrice(p.amountCents, p.currency, locale)}` : `Switch to ${p.plan.name}`;
}
