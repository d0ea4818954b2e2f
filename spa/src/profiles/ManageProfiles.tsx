import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { Field, FormAlert } from '../app/Field';
import { useSession } from '../auth/session';
import { fieldErrors, formError } from '../lib/errors';
import { CreateProfileMutation, DeleteProfileMutation, ProfilesQuery, UpdateProfileMutation } from './documents';
import './profiles.css';

type Profile = { id: string; name: string; kids: boolean; maturityCeiling: number; language: string; hasPin: boolean };

/** The ceilings offered, as ages: what each rating system's steps come to. */
export const CEILINGS: ReadonlyArray<{ age: number; label: string }> = [
  { age: 0, label: 'All ages only' },
  { age: 7, label: 'Up to 7' },
  { age: 12, label: 'Up to 12' },
  { age: 13, label: 'Up to 13' },
  { age: 15, label: 'Up to 15' },
  { age: 16, label: 'Up to 16' },
  { age: 18, label: 'Everything (adults)' },
];

export const MAX_PROFILES = 5;

/** Profiles of the account, on the account page: add, edit, lock with a PIN, delete. */
export function ManageProfiles() {
  const { me, refresh } = useSession();
  const [{ data, error }, reexecute] = useQuery({ query: ProfilesQuery, requestPolicy: 'cache-and-network' });
  const [editing, setEditing] = useState<string | null>(null);
  const profiles = data?.profiles ?? [];
  const reload = () => {
    reexecute({ requestPolicy: 'network-only' });
    refresh();
  };
  return (
    <section id="profiles" aria-labelledby="profiles-heading" className="card manage-profiles">
      <h2 id="profiles-heading">Profiles</h2>
      <p className="muted">
        Up to {MAX_PROFILES} people can watch on this account, each with their own list, progress and suggestions.
      </p>
      <FormAlert message={error && !data ? formError(error) : null} />
      <ul>
        {profiles.map((p) =>
          editing === p.id ? (
            <li key={p.id}>
              <ProfileForm profile={p} onDone={() => { setEditing(null); reload(); }} />
            </li>
          ) : (
            <li key={p.id}>
              <strong>{p.name}</strong>
              {p.kids && <span className="badge">Kids</span>}
              <span className="muted">{CEILINGS.find((c) => c.age === p.maturityCeiling)?.label ?? `Up to ${p.maturityCeiling}`}</span>
              {p.hasPin && <span className="muted">PIN locked</span>}
              {p.id === me?.profile?.id && <span className="muted">(watching now)</span>}
              <button type="button" onClick={() => setEditing(p.id)} aria-label={`Edit ${p.name}`}>
                Edit
              </button>
            </li>
          ),
        )}
      </ul>
      {profiles.length < MAX_PROFILES &&
        (editing === 'new' ? (
          <ProfileForm onDone={() => { setEditing(null); reload(); }} />
        ) : (
          <button type="button" onClick={() => setEditing('new')}>
            Add a profile
          </button>
        ))}
    </section>
  );
}

/** Creates a profile (no profile given) or edits one; a PIN or parental change asks for the password. */
function ProfileForm({ profile, onDone }: { profile?: Profile; onDone: () => void }) {
  const [create, createProfile] = useMutation(CreateProfileMutation);
  const [update, updateProfile] = useMutation(UpdateProfileMutation);
  const [del, deleteProfile] = useMutation(DeleteProfileMutation);
  const [name, setName] = useState(profile?.name ?? '');
  const [kids, setKids] = useState(profile?.kids ?? false);
  const [ceiling, setCeiling] = useState(profile?.maturityCeiling ?? 18);
  const [language, setLanguage] = useState(profile?.language ?? 'en');
  const [pin, setPin] = useState('');
  const [removePin, setRemovePin] = useState(false);
  const [password, setPassword] = useState('');
  const [confirmDelete, setConfirmDelete] = useState(false);
  const error = create.error ?? update.error ?? del.error;
  const errors = fieldErrors(error);
  const parental = profile !== undefined && (pin !== '' || removePin || kids !== profile.kids || ceiling !== profile.maturityCeiling);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const input = { name, kids, maturityCeiling: kids ? Math.min(ceiling, 12) : ceiling, language };
    const res = profile
      ? await updateProfile({
          id: profile.id,
          input: { ...input, pin: removePin ? '' : pin || null, password: password || null },
        })
      : await createProfile({ input: { ...input, pin: pin || null } });
    if (res.data) onDone();
  }

  async function remove() {
    if (!profile) return;
    const res = await deleteProfile({ id: profile.id, password: password || null });
    if (res.data?.deleteProfile) onDone();
  }

  const label = profile ? `Edit ${profile.name}` : 'New profile';
  return (
    <form onSubmit={submit} className="stack" aria-label={label} noValidate>
      <FormAlert message={formError(error, ['name', 'language', 'pin', 'password', 'maturityCeiling'])} />
      <Field label="Name" value={name} maxLength={50} required onChange={(e) => setName(e.target.value)} error={errors.name} />
      <label>
        <input
          type="checkbox"
          checked={kids}
          onChange={(e) => {
            setKids(e.target.checked);
            if (e.target.checked) setCeiling((c) => Math.min(c, 12));
          }}
        />{' '}
        Kids profile (titles for ages up to 12, a simpler home)
      </label>
      <div className="field">
        <label htmlFor={`ceiling-${profile?.id ?? 'new'}`}>Maturity ceiling</label>
        <select
          id={`ceiling-${profile?.id ?? 'new'}`}
          value={ceiling}
          onChange={(e) => setCeiling(Number(e.target.value))}
        >
          {CEILINGS.filter((c) => !kids || c.age <= 12).map((c) => (
            <option key={c.age} value={c.age}>
              {c.label}
            </option>
          ))}
        </select>
        {errors.maturityCeiling && <small className="field-error">{errors.maturityCeiling}</small>}
      </div>
      <Field label="Language" value={language} onChange={(e) => setLanguage(e.target.value)} error={errors.language} hint="Such as en, fr or pt-BR" />
      <Field
        label={profile?.hasPin ? 'New PIN' : 'PIN (optional)'}
        inputMode="numeric"
        autoComplete="off"
        maxLength={4}
        value={pin}
        onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
        error={errors.pin}
        hint="Four digits, asked for to enter this profile"
      />
      {profile?.hasPin && (
        <label>
          <input type="checkbox" checked={removePin} onChange={(e) => setRemovePin(e.target.checked)} /> Remove the PIN
        </label>
      )}
      {profile && (
        <Field
          label="Account password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.password}
          hint={parental ? 'Needed to change a PIN or parental controls' : 'Needed for some changes'}
        />
      )}
      <div className="row-buttons">
        <button type="submit" className="primary" disabled={create.fetching || update.fetching}>
          {profile ? 'Save' : 'Add profile'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        {profile &&
          (confirmDelete ? (
            <button type="button" className="danger" onClick={() => void remove()} disabled={del.fetching}>
              Delete {profile.name} and their history
            </button>
          ) : (
            <button type="button" onClick={() => setConfirmDelete(true)}>
              Delete…
            </button>
          ))}
      </div>
    </form>
  );
}
