import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { useMutation } from 'urql';
import { Field, FormAlert } from '../app/Field';
import { graphql } from '../gql';
import type { PlanCode, TitleKind, UploadVideoMutation } from '../gql/graphql';
import { fieldErrors, formError } from '../lib/errors';
import { UploadVideoDocument } from './documents';
import { FindTitle, ScanLibrary } from './LibrarySections';
import { multipartBody, sendMultipart } from './upload';
import { Transcode } from './VideoPanel';
import { useTitle } from '../app/title';
import './admin.css';

const CreateTitleMutation = graphql(`
  mutation CreateTitle($input: CreateTitleInput!) {
    createTitle(input: $input) {
      id
      name
      kind
    }
  }
`);

const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

export function AdminPage() {
  useTitle('Library');
  const [created, create] = useMutation(CreateTitleMutation);
  const [form, setForm] = useState({ kind: 'MOVIE', name: '', synopsis: '', year: '', genres: '', maturityRating: '', minPlan: '', regions: '' });
  const errors = fieldErrors(created.error);
  const title = created.data?.createTitle;

  async function submit(e: FormEvent) {
    e.preventDefault();
    await create({
      input: {
        kind: form.kind as TitleKind,
        name: form.name,
        synopsis: form.synopsis || null,
        year: form.year ? Number(form.year) : null,
        genres: list(form.genres),
        maturityRating: form.maturityRating || null,
        minPlan: (form.minPlan || null) as PlanCode | null,
        regions: list(form.regions).map((r) => r.toUpperCase()),
      },
    });
  }
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });

  const deleted = (useLocation().state as { deleted?: string } | null)?.deleted;

  return (
    <main className="page admin">
      <h1>Administration</h1>
      <p>
        <Link to="/admin/qoe">Quality of experience</Link>: startup, stalls and rungs as players measured them.
      </p>
      <p>
        <Link to="/admin/integrations">Integrations</Link>: API keys and webhooks for the servers that work with this catalog.
      </p>
      {deleted && (
        <p className="notice" role="status">
          Deleted {deleted}.
        </p>
      )}
      <div className="admin-grid">
        <FindTitle />
        <ScanLibrary />
        <section aria-labelledby="create-heading" className="card">
          <h2 id="create-heading">Create a title</h2>
          <form onSubmit={submit} noValidate className="stack">
            <FormAlert message={formError(created.error, ['name', 'synopsis', 'year', 'genres', 'maturityRating', 'minPlan', 'regions', 'kind'])} />
            <div className="field">
              <label htmlFor="admin-kind">Kind</label>
              <select id="admin-kind" value={form.kind} onChange={set('kind')}>
                <option value="MOVIE">Movie</option>
                <option value="SERIES">Series</option>
              </select>
            </div>
            <Field label="Name" required value={form.name} onChange={set('name')} error={errors.name} />
            <div className="field">
              <label htmlFor="admin-synopsis">Synopsis</label>
              <textarea id="admin-synopsis" rows={3} value={form.synopsis} onChange={set('synopsis')} />
              {errors.synopsis && <small className="field-error">{errors.synopsis}</small>}
            </div>
            <div className="row">
              <Field label="Year" type="number" value={form.year} onChange={set('year')} error={errors.year} />
              <Field label="Maturity rating" placeholder="PG-13" value={form.maturityRating} onChange={set('maturityRating')} error={errors.maturityRating} />
            </div>
            <Field label="Genres" hint="Comma-separated, e.g. Drama, Comedy" value={form.genres} onChange={set('genres')} error={errors.genres} />
            <div className="row">
              <div className="field">
                <label htmlFor="admin-plan">Minimum plan</label>
                <select id="admin-plan" value={form.minPlan} onChange={set('minPlan')}>
                  <option value="">Any plan</option>
                  <option value="BASIC">Basic</option>
                  <option value="STANDARD">Standard</option>
                  <option value="PREMIUM">Premium</option>
                </select>
              </div>
              <Field label="Regions" hint="Country codes; empty for everywhere" value={form.regions} onChange={set('regions')} error={errors.regions} />
            </div>
            <button type="submit" className="primary" disabled={created.fetching}>
              Create title
            </button>
          </form>
          {title && (
            <p className="notice" role="status">
              Created <Link to={`/title/${title.id}`}>{title.name}</Link>. <Link to={`/admin/titles/${title.id}`}>Edit {title.name}</Link>
            </p>
          )}
        </section>
        <UploadSection defaultTitleId={title?.id ?? ''} key={title?.id ?? ''} />
      </div>
    </main>
  );
}

function UploadSection({ defaultTitleId }: { defaultTitleId: string }) {
  const [titleId, setTitleId] = useState(defaultTitleId);
  const [episodeId, setEpisodeId] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [uploaded, setUploaded] = useState<number | null>(null);
  const [videoId, setVideoId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!file || !titleId) {
      setError('Choose a title and a video file.');
      return;
    }
    setError(null);
    setVideoId(null);
    setUploaded(0);
    const body = multipartBody(UploadVideoDocument, { titleId, episodeId: episodeId || null }, 'file', file);
    try {
      const data = await sendMultipart<UploadVideoMutation>(body, setUploaded).done;
      setUploaded(1);
      setVideoId(data.uploadVideo.id);
    } catch (err) {
      setUploaded(null);
      setError((err as Error).message);
    }
  }

  return (
    <section aria-labelledby="upload-heading" className="card">
      <h2 id="upload-heading">Upload a video</h2>
      <form onSubmit={submit} noValidate className="stack">
        <FormAlert message={error} />
        <Field label="Title ID" value={titleId} onChange={(e) => setTitleId(e.target.value)} />
        <Field label="Episode ID" hint="Only for an episode of a series" value={episodeId} onChange={(e) => setEpisodeId(e.target.value)} />
        <div className="field">
          <label htmlFor="admin-file">Video file</label>
          <input id="admin-file" type="file" accept="video/*,.mkv,.ts" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </div>
        <button type="submit" className="primary" disabled={uploaded !== null && uploaded < 1}>
          Upload
        </button>
      </form>
      {uploaded !== null && (
        <div className="field progress-field">
          <label htmlFor="upload-progress">Upload: {Math.round(uploaded * 100)}%</label>
          <progress id="upload-progress" max={100} value={Math.round(uploaded * 100)} />
        </div>
      )}
      {videoId && <Transcode videoId={videoId} label="the video" id="transcode-progress" />}
    </section>
  );
}
