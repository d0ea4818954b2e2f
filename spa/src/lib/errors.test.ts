import { describe, expect, it } from 'vitest';
import { apiErrors, describeError, fieldErrors, formError, hasCode } from './errors';

const gql = (message: string, extensions: Record<string, unknown>) => ({ graphQLErrors: [{ message, extensions }] });

describe('error mapping', () => {
  it('says invalid credentials plainly', () => {
    const err = gql('invalid email or password', { code: 'INVALID_CREDENTIALS' });
    expect(formError(err)).toBe('Wrong email or password.');
  });

  it('keeps field errors for inline display and leaves them out of the form alert', () => {
    const err = {
      graphQLErrors: [
        { message: 'Password must be at least 8 characters.', extensions: { code: 'BAD_USER_INPUT', field: 'password' } },
        { message: 'That email is taken.', extensions: { code: 'EMAIL_TAKEN' } },
      ],
    };
    expect(fieldErrors(err)).toEqual({ password: 'Password must be at least 8 characters.' });
    expect(formError(err, ['password'])).toMatch(/already exists/);
  });

  it('shows the decline reason the provider gave', () => {
    const err = gql('Your card has insufficient funds.', { code: 'PAYMENT_DECLINED' });
    expect(formError(err)).toBe('Your card has insufficient funds.');
  });

  it('tells how long to wait when rate limited', () => {
    const [e] = apiErrors(gql('slow down', { code: 'RATE_LIMITED', retryAfterSeconds: 29.2 }));
    expect(describeError(e!)).toBe('Too many attempts. Try again in 30 seconds.');
  });

  it('reads an error without a code as INTERNAL and a network failure as NETWORK', () => {
    expect(apiErrors({ graphQLErrors: [{ message: 'boom' }] })[0]!.code).toBe('INTERNAL');
    const net = apiErrors({ graphQLErrors: [], networkError: new Error('fetch failed') });
    expect(net[0]!.code).toBe('NETWORK');
    expect(hasCode({ graphQLErrors: [], networkError: new Error('x') }, 'NETWORK')).toBe(true);
  });

  it('has nothing to say about no error', () => {
    expect(apiErrors(undefined)).toEqual([]);
    expect(formError(null)).toBeNull();
  });

  it('explains playback refusals', () => {
    expect(formError(gql('limit', { code: 'STREAM_LIMIT_REACHED' }))).toMatch(/Too many streams/);
    expect(formError(gql('sub', { code: 'SUBSCRIPTION_REQUIRED' }))).toMatch(/Choose a plan/);
  });
});
