import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import { Field, FormAlert } from '../app/Field';
import type { AdminTitleQuery as AdminTitle, ArtworkKind, CreditRole, PlanCode, UploadArtworkMutation } from '../gql/graphql';
import { fieldErrors, formError } from '../lib/errors';
import { ConfirmDialog } from './ConfirmDialog';
import { AdminTitleQuery, DeleteTitleMutation, UpdateTitleMutation, UploadArtworkDocument } from './documents';
import { creditsInput, deletionSummary, moveItem, parseList, type CreditRow } from './editing';
import { SeasonsSection } from './SeasonsSection';
import { multipartBody, sendMultipart } from './upload';
import { VideoPanel } from './VideoPanel';
import { useTitle } from '../app/title';
import './admin.css';

export type EditedTitle = NonNullable<AdminTitle['title']>;

/** Everything an administrator changes about one title, on one page. */
export default function TitleEditorPage() {
  const { id = '' } = useParams();
  const [{ data, error, fetching }, reexecute] = useQuery({ query: AdminTitleQuery, variables: { id }, requestPolicy: 'cache-and-network' });
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  const t = data?.title;
  useTitle(t ? `Edit ${t.name}` : 'Edit title');
  if (!t) {
    return (
      <main className="page admin">
        {fetching ? <p role="status">Loading…</p> : <p role="alert">{error ? formError(error) : 'No title has this id.'}</p>}
        <Link to="/admin">Back to administration</Link>
      </main>
    );
  }
  return (
    <main className="page admin">
      <p>
        <Link to="/admin">← Administration</Link> · <Link to={`/title/${t.id}`}>View as a viewer</Link>
      </p>
      <h1>Edit {t.name}</h1>
      <div className="admin-grid">
        <DetailsForm key={`details-${t.id}`} title={t} />
        <CreditsEditor key={`credits-${t.id}`} title={t} />
        <ArtworkSection title={t} onChanged={refresh} />
        {t.kind === 'MOVIE' && (
          <section className="card" aria-labelledby="video-heading">
            <h2 id="video-heading">Video</h2>
            <VideoPanel titleId={t.id} episodeId={null} video={t.video} label={t.name} onChanged={refresh} />
          </section>
        )}
      </div>
      {t.kind === 'SERIES' && <SeasonsSection title={t} onChanged={refresh} />}
      <DeleteTitle title={t} />
    </main>
  );
}

function DetailsForm({ title: t }: { title: EditedTitle }) {
  const [updated, update] = useMutation(UpdateTitleMutation);
  const [saved, setSaved] = useState(false);
  const [form, setForm] = useState({
    name: t.name,
    synopsis: t.synopsis,
    year: t.year?.toString() ?? '',
    genres: t.genres.join(', '),
    maturityRating: t.maturityRating,
    minPlan: t.minPlan ?? '',
    regions: (t.regions ?? []).join(', '),
    runtimeMinutes: t.runtimeMinutes?.toString() ?? '',
  });
  const errors = fieldErrors(updated.error);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const clear = [
      form.year.trim() === '' && 'year',
      form.maturityRating.trim() === '' && 'maturityRating',
      form.minPlan === '' && 'minPlan',
      form.runtimeMinutes.trim() === '' && 'runtimeMinutes',
    ].filter((x): x is string => Boolean(x));
    const res = await update({
      id: t.id,
      input: {
        name: form.name,
        synopsis: form.synopsis,
        year: form.year.trim() ? Number(form.year) : null,
        genres: parseList(form.genres),
        maturityRating: form.maturityRating.trim() || null,
        minPlan: (form.minPlan || null) as PlanCode | null,
        regions: parseList(form.regions).map((r) => r.toUpperCase()),
        runtimeMinutes: form.runtimeMinutes.trim() ? Number(form.runtimeMinutes) : null,
        clear,
      },
    });
    setSaved(!res.error);
  }

  return (
    <section className="card" aria-labelledby="details-heading">
      <h2 id="details-heading">Details</h2>
      <form onSubmit={submit} noValidate className="stack">
        <FormAlert message={formError(updated.error, Object.keys(form))} />
        <Field label="Name" required value={form.name} onChange={set('name')} error={errors.name} />
        <div className="field">
          <label htmlFor="edit-synopsis">Synopsis</label>
          <textarea id="edit-synopsis" rows={4} value={form.synopsis} onChange={set('synopsis')} />
          {errors.synopsis && <small className="field-error">{errors.synopsis}</small>}
        </div>
        <div className="row">
          <Field label="Year" type="number" value={form.year} onChange={set('year')} error={errors.year} />
          <Field label="Runtime (minutes)" type="number" value={form.runtimeMinutes} onChange={set('runtimeMinutes')} error={errors.runtimeMinutes} />
        </div>
        <Field label="Genres" hint="Comma-separated, e.g. Drama, Comedy" value={form.genres} onChange={set('genres')} error={errors.genres} />
        <div className="row">
          <Field label="Maturity rating" placeholder="PG-13" value={form.maturityRating} onChange={set('maturityRating')} error={errors.maturityRating} />
          <div className="field">
            <label htmlFor="edit-plan">Minimum plan</label>
            <select id="edit-plan" value={form.minPlan} onChange={set('minPlan')}>
              <option value="">Any plan</option>
              <option value="BASIC">Basic</option>
              <option value="STANDARD">Standard</option>
              <option value="PREMIUM">Premium</option>
            </select>
          </div>
        </div>
        <Field label="Regions" hint="Country codes; empty for everywhere" value={form.regions} onChange={set('regions')} error={errors.regions} />
        <button type="submit" className="primary" disabled={updated.fetching}>
          Save details
        </button>
        {saved && (
          <p className="notice" role="status">
            Saved.
          </p>
        )}
      </form>
    </section>
  );
}

const ROLES: [CreditRole, string][] = [
  ['CAST', 'Cast'],
  ['DIRECTOR', 'Director'],
  ['WRITER', 'Writer'],
  ['CREATOR', 'Creator'],
];

function CreditsEditor({ title: t }: { title: EditedTitle }) {
  const [updated, update] = useMutation(UpdateTitleMutation);
  const [saved, setSaved] = useState(false);
  const [rows, setRows] = useState<CreditRow[]>(t.credits.map((c) => ({ name: c.person.name, role: c.role, character: c.character })));
  const change = (i: number, patch: Partial<CreditRow>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const res = await update({ id: t.id, input: { credits: creditsInput(rows) } });
    setSaved(!res.error);
  }

  return (
    <section className="card" aria-labelledby="credits-heading">
      <h2 id="credits-heading">Credits</h2>
      <form onSubmit={submit} noValidate className="stack">
        <FormAlert message={formError(updated.error)} />
        <ol className="credits">
          {rows.map((r, i) => (
            <li key={i} className="credit-row">
              <label>
                Person {i + 1}
                <input value={r.name} onChange={(e) => change(i, { name: e.target.value })} />
              </label>
              <label>
                Role of person {i + 1}
                <select value={r.role} onChange={(e) => change(i, { role: e.target.value as CreditRole })}>
                  {ROLES.map(([v, name]) => (
                    <option key={v} value={v}>
                      {name}
                    </option>
                  ))}
                </select>
              </label>
              {r.role === 'CAST' && (
                <label>
                  Character of person {i + 1}
                  <input value={r.character} onChange={(e) => change(i, { character: e.target.value })} />
                </label>
              )}
              <span className="credit-actions">
                <button type="button" onClick={() => setRows(moveItem(rows, i, -1))} disabled={i === 0} aria-label={`Move person ${i + 1} up`}>
                  ↑
                </button>
                <button type="button" onClick={() => setRows(moveItem(rows, i, 1))} disabled={i === rows.length - 1} aria-label={`Move person ${i + 1} down`}>
                  ↓
                </button>
                <button type="button" onClick={() => setRows(rows.filter((_, j) => j !== i))} aria-label={`Remove person ${i + 1}`}>
                  ✕
                </button>
              </span>
            </li>
          ))}
        </ol>
        <button type="button" onClick={() => setRows([...rows, { name: '', role: 'CAST', character: '' }])}>
          Add a person
        </button>
        <button type="submit" className="primary" disabled={updated.fetching}>
          Save credits
        </button>
        {saved && (
          <p className="notice" role="status">
            Credits saved.
          </p>
        )}
      </form>
    </section>
  );
}

const KINDS: [ArtworkKind, string][] = [
  ['POSTER', 'Poster'],
  ['BACKDROP', 'Backdrop'],
  ['LOGO', 'Logo'],
];

function ArtworkSection({ title: t, onChanged }: { title: EditedTitle; onChanged(): void }) {
  const stored: Record<ArtworkKind, string | null | undefined> = { POSTER: t.posterUrl, BACKDROP: t.backdropUrl, LOGO: t.logoUrl };
  return (
    <section className="card" aria-labelledby="artwork-heading">
      <h2 id="artwork-heading">Artwork</h2>
      {KINDS.map(([kind, name]) => (
        <ArtworkUpload key={kind} titleId={t.id} kind={kind} name={name} stored={stored[kind] ?? null} onChanged={onChanged} />
      ))}
    </section>
  );
}

function ArtworkUpload({ titleId, kind, name, stored, onChanged }: { titleId: string; kind: ArtworkKind; name: string; stored: string | null; onChanged(): void }) {
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  function choose(f: File | null) {
    if (preview) URL.revokeObjectURL(preview);
    setFile(f);
    setPreview(f ? URL.createObjectURL(f) : null);
    setError(null);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!file) return setError('Choose an image.');
    setBusy(true);
    try {
      await sendMultipart<UploadArtworkMutation>(multipartBody(UploadArtworkDocument, { titleId, kind }, 'file', file), () => {}).done;
      choose(null);
      onChanged();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate className="artwork" aria-label={name}>
      <h3>{name}</h3>
      <div className="artwork-images">
        {stored ? <img src={stored} alt={`Current ${name.toLowerCase()}`} /> : <p className="muted">None yet.</p>}
        {preview && <img src={preview} alt={`New ${name.toLowerCase()} (preview)`} />}
      </div>
      <FormAlert message={error} />
      <label>
        {name} image
        <input type="file" accept="image/jpeg,image/png,image/webp" onChange={(e) => choose(e.target.files?.[0] ?? null)} />
      </label>
      <button type="submit" disabled={busy || !file}>
        Upload {name.toLowerCase()}
      </button>
    </form>
  );
}

function DeleteTitle({ title: t }: { title: EditedTitle }) {
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [deleted, remove] = useMutation(DeleteTitleMutation);
  const episodes = t.seasons.flatMap((s) => s.episodes ?? []);
  const videos = (t.video ? 1 : 0) + episodes.filter((e) => e.video).length;
  const message = deletionSummary({ kind: 'title', name: t.name, seasons: t.seasons.length, episodes: episodes.length, videos });

  async function confirm() {
    const res = await remove({ id: t.id });
    if (!res.error) navigate('/admin', { state: { deleted: t.name } });
  }

  return (
    <section className="card danger-zone" aria-labelledby="delete-heading">
      <h2 id="delete-heading">Delete</h2>
      <button type="button" className="danger" onClick={() => setOpen(true)}>
        Delete {t.kind === 'SERIES' ? 'series' : 'movie'}
      </button>
      <ConfirmDialog
        open={open}
        title={`Delete ${t.name}`}
        message={message}
        confirmLabel={`Delete ${t.name}`}
        busy={deleted.fetching}
        error={formError(deleted.error)}
        onConfirm={confirm}
        onCancel={() => setOpen(false)}
      />
    </section>
  );
}
