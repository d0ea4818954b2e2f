/** One GraphQL error as the app needs it: the contract's code, the server's message, the field it concerns. */
export interface ApiError {
  code: string;
  message: string;
  field?: string;
  extensions: Record<string, unknown>;
}

/** The shape of urql's CombinedError that matters here, so the mapping is testable without a client. */
export interface ErrorLike {
  graphQLErrors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> | null }>;
  networkError?: Error | null;
  response?: unknown;
}

const FRIENDLY: Record<string, string> = {
  UNAUTHENTICATED: 'Please log in to continue.',
  FORBIDDEN: 'You are not allowed to do that.',
  NOT_FOUND: 'That could not be found.',
  INVALID_CREDENTIALS: 'Wrong email or password.',
  EMAIL_TAKEN: 'An account with this email already exists. Log in instead?',
  SUBSCRIPTION_REQUIRED: 'You need a membership to watch. Choose a plan to start.',
  PLAN_TOO_LOW: 'Your plan does not include this title. Upgrade to watch it.',
  REGION_UNAVAILABLE: 'This title is not available in your country.',
  MATURITY_RESTRICTED: 'This title is not available on this profile.',
  STREAM_LIMIT_REACHED: 'Too many streams are playing on your account right now. Stop one and try again.',
  NOT_READY: 'This title is still being prepared. Try again in a few minutes.',
  COMPLEXITY_LIMIT_EXCEEDED: 'That request was too large.',
  INTERNAL: 'Something went wrong on our side. Please try again.',
};

/** Flattens a client error into the contract's codes; a network failure reads NETWORK. */
export function apiErrors(err: ErrorLike | null | undefined): ApiError[] {
  if (!err) return [];
  const out: ApiError[] = [];
  for (const e of err.graphQLErrors ?? []) {
    const ext = e.extensions ?? {};
    const code = typeof ext.code === 'string' ? ext.code : 'INTERNAL';
    const field = typeof ext.field === 'string' ? ext.field : undefined;
    out.push({ code, message: e.message, field, extensions: ext });
  }
  if (out.length === 0 && err.networkError) {
    out.push({
      code: 'NETWORK',
      message: 'Could not reach the server. Check your connection and try again.',
      extensions: {},
    });
  }
  return out;
}

/** The sentence to show a viewer for an error. */
export function describeError(e: ApiError): string {
  switch (e.code) {
    // These carry a message written for people: the reason a card was declined, the
    // field that is wrong, the time to wait.
    case 'PAYMENT_DECLINED':
    case 'BAD_USER_INPUT':
    case 'NETWORK':
      return e.message;
    case 'RATE_LIMITED': {
      const wait = Number(e.extensions.retryAfterSeconds);
      return Number.isFinite(wait) && wait > 0
        ? `Too many attempts. Try again in ${Math.ceil(wait)} seconds.`
        : 'Too many attempts. Try again in a moment.';
    }
    default:
      return FRIENDLY[e.code] ?? e.message;
  }
}

/** Field errors keyed by the server's field name; errors without a field are left out. */
export function fieldErrors(err: ErrorLike | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of apiErrors(err)) {
    if (e.field && e.code === 'BAD_USER_INPUT' && !(e.field in out)) out[e.field] = e.message;
  }
  return out;
}

/** The first error that is not about a field the form shows inline, described for the viewer. */
export function formError(err: ErrorLike | null | undefined, inlineFields: readonly string[] = []): string | null {
  const e = apiErrors(err).find((x) => !(x.field && x.code === 'BAD_USER_INPUT' && inlineFields.includes(x.field)));
  return e ? describeError(e) : null;
}

export function hasCode(err: ErrorLike | null | undefined, code: string): boolean {
  return apiErrors(err).some((e) => e.code === code);
}
