import { useMutation } from 'urql';
import { ResendVerificationMutation } from '../auth/documents';
import type { Viewer } from '../auth/session';

/** Asks an account whose email is not confirmed yet to follow the link it was sent. */
export function VerifyBanner({ me }: { me: Viewer }) {
  const [{ data, fetching }, resend] = useMutation(ResendVerificationMutation);
  if (me.emailVerified) return null;
  return (
    <aside className="verify-banner" aria-label="Confirm your email">
      <p>
        Confirm your email: we sent a link to <strong>{me.email}</strong>.
      </p>
      {data?.resendVerification ? (
        <p role="status">Sent again. The link works for 7 days.</p>
      ) : (
        <button type="button" className="link-button" onClick={() => void resend({})} disabled={fetching}>
          Send it again
        </button>
      )}
    </aside>
  );
}
