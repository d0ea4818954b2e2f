import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { useMutation } from 'urql';
import { Field, FormAlert } from '../app/Field';
import { fieldErrors, formError } from '../lib/errors';
import { LoginMutation } from './documents';
import { useSession } from './session';
import { useTitle } from '../app/title';
import './auth.css';

/** Only paths on this site, so a crafted link cannot send the viewer elsewhere after login. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function LoginPage() {
  useTitle('Log in');
  const [{ fetching, error }, login] = useMutation(LoginMutation);
  const { reset } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const errors = fieldErrors(error);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const res = await login({ input: { email, password } });
    if (res.data) {
      reset();
      // Who is watching? The picker moves on by itself when there is only one choice.
      navigate(`/profiles?auto=1&next=${encodeURIComponent(safeNext(params.get('next')))}`, { replace: true });
    }
  }

  return (
    <main className="page narrow">
      <h1>Log in</h1>
      <form onSubmit={submit} noValidate className="stack">
        <FormAlert message={formError(error, ['email', 'password'])} />
        <Field label="Email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} error={errors.email} />
        <Field
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.password}
        />
        <button type="submit" className="primary" disabled={fetching}>
          {fetching ? 'Logging in…' : 'Log in'}
        </button>
        <Link to="/forgot-password">Forgot your password?</Link>
      </form>
      <p>
        New here? <Link to="/signup">Create an account</Link>
      </p>
    </main>
  );
}
