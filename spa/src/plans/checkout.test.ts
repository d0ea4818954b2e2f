import { describe, expect, it } from 'vitest';
import { EMPTY_FORM, fingerprint, formFieldFor, nextAttempt, parseExpiry, payLabel, previewSentence, toPaymentInput, type Attempt, type CheckoutForm } from './checkout';

const card = (over: Partial<CheckoutForm> = {}): CheckoutForm => ({
  ...EMPTY_FORM,
  cardNumber: '4000 0000 0000 0002',
  expiry: '12/30',
  cvc: '123',
  cardName: 'Ada Lovelace',
  ...over,
});

function keys() {
  let n = 0;
  return () => `key-${++n}`;
}

describe('checkout idempotency keys', () => {
  it('reuses the key when the same purchase is sent again', () => {
    const newKey = keys();
    const a = nextAttempt(null, fingerprint('STANDARD', card()), newKey);
    const b = nextAttempt(a, fingerprint('STANDARD', card()), newKey);
    expect(a.key).toBe('key-1');
    expect(b.key).toBe('key-1');
  });

  it('treats spacing in the card number as the same card', () => {
    const newKey = keys();
    const a = nextAttempt(null, fingerprint('BASIC', card()), newKey);
    const b = nextAttempt(a, fingerprint('BASIC', card({ cardNumber: '4000-0000-0000-0002' })), newKey);
    expect(b.key).toBe(a.key);
  });

  it('takes a new key when the card, the plan or the method changes', () => {
    const newKey = keys();
    let at: Attempt = nextAttempt(null, fingerprint('STANDARD', card()), newKey);
    at = nextAttempt(at, fingerprint('STANDARD', card({ cardNumber: '4242 4242 4242 4242' })), newKey);
    expect(at.key).toBe('key-2');
    at = nextAttempt(at, fingerprint('PREMIUM', card({ cardNumber: '4242 4242 4242 4242' })), newKey);
    expect(at.key).toBe('key-3');
    at = nextAttempt(at, fingerprint('PREMIUM', { ...EMPTY_FORM, method: 'paypal', paypalEmail: 'a@example.com' }), newKey);
    expect(at.key).toBe('key-4');
  });

  it('ignores the fields of the method not chosen', () => {
    const paypal: CheckoutForm = { ...EMPTY_FORM, method: 'paypal', paypalEmail: 'a@example.com' };
    expect(fingerprint('BASIC', paypal)).toBe(fingerprint('BASIC', { ...paypal, cardNumber: '4242' }));
  });
});

describe('checkout form', () => {
  it('reads expiry dates', () => {
    expect(parseExpiry('12/30')).toEqual({ month: 12, year: 2030 });
    expect(parseExpiry(' 1 / 2031 ')).toEqual({ month: 1, year: 2031 });
    expect(parseExpiry('13/30')).toBeNull();
    expect(parseExpiry('1230')).toBeNull();
  });

  it('builds the card or PayPal input', () => {
    expect(toPaymentInput(card())).toEqual({
      card: { number: '4000 0000 0000 0002', expMonth: 12, expYear: 2030, cvc: '123', name: 'Ada Lovelace' },
    });
    expect(toPaymentInput({ ...EMPTY_FORM, method: 'paypal', paypalEmail: ' p@example.com ' })).toEqual({ paypal: { email: 'p@example.com' } });
    expect(toPaymentInput(card({ expiry: 'soon' })).card).toMatchObject({ expMonth: 0, expYear: 0 });
  });

  it('maps server field paths to form fields', () => {
    expect(formFieldFor('payment.card.number')).toBe('cardNumber');
    expect(formFieldFor('payment.card.expYear')).toBe('expiry');
    expect(formFieldFor('payment.paypal.email')).toBe('paypalEmail');
    expect(formFieldFor('idempotencyKey')).toBeNull();
  });
});

describe('previewSentence and payLabel', () => {
  const base = { currency: 'USD', effectiveAt: '2026-03-11T12:00:00Z', renewsAt: '2026-04-01T12:00:00Z', plan: { name: 'Premium', priceCents: 1999 } };
  it('says what an upgrade costs today, not the monthly price', () => {
    const p = { ...base, change: 'UPGRADE' as const, amountCents: 600 };
    expect(previewSentence(p, 'en-US')).toMatch(/^You pay \$6\.00 today for the rest of this billing period/);
    expect(previewSentence(p, 'en-US')).toContain('$19.99 a month');
    expect(payLabel(p, 'en-US')).toBe('Pay $6.00');
  });
  it('says a downgrade costs nothing now and when it starts', () => {
    const p = { ...base, change: 'DOWNGRADE' as const, amountCents: 0, plan: { name: 'Basic', priceCents: 799 } };
    expect(previewSentence(p, 'en-US')).toMatch(/^Nothing to pay today\. Basic starts on /);
    expect(payLabel(p, 'en-US')).toBe('Switch to Basic');
  });
  it('labels the button before the preview arrives', () => {
    expect(payLabel(undefined)).toBe('Pay');
  });
});
