import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { useMutation } from 'urql';
import { Field, FormAlert } from '../app/Field';
import { useTitle } from '../app/title';
import { fieldErrors, formError } from '../lib/errors';
import { RequestPasswordResetMutation, ResetPasswordMutation, VerifyEmailMutation } from './documents';
import { useSession } from './session';
import './auth.css';

/** Asks for a reset link. The answer is the same whether or not the address has an account. */
export function ForgotPasswordPage() {
  useTitle('Forgot your password');
  const [{ fetching, error }, request] = useMutation(RequestPasswordResetMutation);
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState('');
  const errors = fieldErrors(error);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const res = await request({ email });
    if (res.data) setSent(email.trim());
  }

  return (
    <main className="page narrow">
      <h1>Forgot your password?</h1>
      {sent ? (
        <p role="status" className="notice">
          If an account uses {sent}, a link to choose a new password is on its way. It works once, for 30 minutes.
          Check your spam folder if it does not arrive in a few minutes.
        </p>
      ) : (
        <form onSubmit={submit} noValidate className="stack">
          <p>Enter your account&apos;s email and we will send you a link to choose a new password.</p>
          <FormAlert message={formError(error, ['email'])} />
          <Field label="Email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} error={errors.email} />
          <button type="submit" className="primary" disabled={fetching}>
            {fetching ? 'Sending…' : 'Send me a link'}
          </button>
        </form>
      )}
      <p>
        <Link to="/login">Back to log in</Link>
      </p>
    </main>
  );
}

/** The page a reset link opens: a new password, then the viewer is logged in. */
export function ResetPasswordPage() {
  useTitle('Choose a new password');
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [{ fetching, error }, resetPassword] = useMutation(ResetPasswordMutation);
  const { reset } = useSession();
  const navigate = useNavigate();
  const [password, setPassword] = useState('');
  const errors = fieldErrors(error);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const res = await resetPassword({ token, newPassword: password });
    if (res.data) {
      reset();
      navigate('/profiles?auto=1&next=%2F', { replace: true });
    }
  }

  return (
    <main className="page narrow">
      <h1>Choose a new password</h1>
      <form onSubmit={submit} noValidate className="stack">
        <p>Every device signed in to your account will be signed out.</p>
        <FormAlert message={formError(error, ['newPassword'])} />
        {errors.token && (
          <p>
            <Link to="/forgot-password">Send me a new link</Link>
          </p>
        )}
        <Field
          label="New password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.newPassword}
          hint="At least 8 characters."
        />
        <button type="submit" className="primary" disabled={fetching || !token}>
          {fetching ? 'Saving…' : 'Save and log in'}
        </button>
      </form>
    </main>
  );
}

/** The page a confirmation link opens: confirms the address as soon as it loads. */
export function VerifyEmailPage() {
  useTitle('Confirm your email');
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [{ data, error }, verify] = useMutation(VerifyEmailMutation);
  const { refresh } = useSession();
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    void verify({ token }).then((res) => {
      if (res.data) refresh();
    });
  }, [token, verify, refresh]);

  return (
    <main className="page narrow">
      <h1>Confirm your email</h1>
      {data?.verifyEmail ? (
        <p role="status" className="notice">
          Thank you: your email is confirmed. <Link to="/">Go to Marquee</Link>
        </p>
      ) : error ? (
        <p role="alert" className="alert">
          {formError(error)}
        </p>
      ) : (
        <p role="status" className="muted">
          Confirming…
        </p>
      )}
    </main>
  );
}
