import { useMemo, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useMutation } from 'urql';
import { Field, FormAlert } from '../app/Field';
import { fieldErrors, formError } from '../lib/errors';
import { countries, countryLabel, parseCountry, validateSignup, type SignupForm } from './countries';
import { SignupMutation } from './documents';
import { useSession } from './session';
import { useTitle } from '../app/title';
import './auth.css';

/** A country guess from the browser's language (en-GB → GB); the viewer can change it. */
function guessCountry(): string {
  const region = navigator.language.split('-')[1];
  return region && /^[A-Za-z]{2}$/.test(region) ? region.toUpperCase() : 'US';
}

/** The picker's starting text: the guessed country's label. */
function guessLabel(list: ReturnType<typeof countries>): string {
  const c = list.find((x) => x.code === guessCountry());
  return c ? countryLabel(c) : '';
}

const FIELDS = ['name', 'email', 'password', 'country'];

export function SignupPage() {
  useTitle('Create your account');
  const [{ fetching, error }, signup] = useMutation(SignupMutation);
  const { reset } = useSession();
  const navigate = useNavigate();
  const list = useMemo(() => countries(navigator.language), []);
  const [form, setForm] = useState<SignupForm>(() => ({ name: '', email: '', password: '', country: guessLabel(list) }));
  const [local, setLocal] = useState<Partial<Record<keyof SignupForm, string>>>({});
  const errors = { ...fieldErrors(error), ...local };

  async function submit(e: FormEvent) {
    e.preventDefault();
    const problems = validateSignup(form, list);
    setLocal(problems);
    if (Object.keys(problems).length > 0) return;
    const res = await signup({ input: { ...form, country: parseCountry(form.country, list) ?? '' } });
    if (res.data) {
      reset();
      navigate('/', { replace: true });
    }
  }

  const set = (k: keyof SignupForm) => (e: { target: { value: string } }) => {
    setForm({ ...form, [k]: e.target.value });
    setLocal({ ...local, [k]: undefined });
  };
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
          autoComplete="country-name"
          required
          list="signup-countries"
          value={form.country}
          onChange={set('country')}
          onFocus={(e) => e.target.select()}
          error={errors.country}
          hint="Type to search. It decides what is available to you."
        />
        <datalist id="signup-countries">
          {list.map((c) => (
            <option key={c.code} value={countryLabel(c)} />
          ))}
        </datalist>
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
