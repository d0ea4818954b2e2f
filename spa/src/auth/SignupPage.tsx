import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useMutation } from 'urql';
import { Field, FormAlert } from '../app/Field';
import { fieldErrors, formError } from '../lib/errors';
import { SignupMutation } from './documents';
import { useSession } from './session';
import { useTitle } from '../app/title';
import './auth.css';

/** A country guess from the browser's language (en-GB → GB); the viewer can change it. */
function guessCountry(): string {
  const region = navigator.language.split('-')[1];
  return region && /^[A-Za-z]{2}$/.test(region) ? region.toUpperCase() : 'US';
}

const FIELDS = ['name', 'email', 'password', 'country'];

export function SignupPage() {
  useTitle('Create your account');
  const [{ fetching, error }, signup] = useMutation(SignupMutation);
  const { reset } = useSession();
  const navigate = useNavigate();
  const [form, setForm] = useState({ name: '', email: '', password: '', country: guessCountry() });
  const errors = fieldErrors(error);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const res = await signup({ input: { ...form, country: form.country.trim().toUpperCase() } });
    if (res.data) {
      reset();
      navigate('/', { replace: true });
    }
  }

  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  return (
    <main className="page narrow">
      <h1>Create your account</h1>
      <form onSubmit={submit} noValidate className="stack">
        <FormAlert message={formError(error, FIELDS)} />
        <Field label="Name" autoComplete="name" required value={form.name} onChange={set('name')} error={errors.name} />
        <Field label="Email" type="email" autoComplete="email" required value={form.email} onChange={set('email')} error={errors.email} />
        <Field
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          value={form.password}
          onChange={set('password')}
          error={errors.password}
          hint="At least 8 characters."
        />
        <Field
          label="Country"
          autoComplete="country"
          required
          maxLength={2}
          value={form.country}
          onChange={set('country')}
          error={errors.country}
          hint="Two-letter code, such as US or FR. It decides what is available to you."
        />
        <button type="submit" className="primary" disabled={fetching}>
          {fetching ? 'Creating account…' : 'Sign up'}
        </button>
      </form>
      <p>
        Already have an account? <Link to="/login">Log in</Link>
      </p>
    </main>
  );
}
