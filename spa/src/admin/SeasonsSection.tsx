import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { Field, FormAlert } from '../app/Field';
import { fieldErrors, formError } from '../lib/errors';
import { ConfirmDialog } from './ConfirmDialog';
import {
  CreateEpisodeMutation,
  CreateSeasonMutation,
  DeleteEpisodeMutation,
  DeleteSeasonMutation,
  UpdateEpisodeMutation,
  UpdateSeasonMutation,
} from './documents';
import { deletionSummary } from './editing';
import type { EditedTitle } from './TitleEditorPage';
import { VideoPanel } from './VideoPanel';

type Season = EditedTitle['seasons'][number];
type Episode = NonNullable<Season['episodes']>[number];

const seasonLabel = (s: { number: number; name: string }) => s.name || (s.number === 0 ? 'Specials' : `Season ${s.number}`);
const num = (s: string) => (s.trim() === '' ? null : Number(s));

/** A series' seasons and their episodes: add, edit, delete, and each episode's video. */
export function SeasonsSection({ title, onChanged }: { title: EditedTitle; onChanged(): void }) {
  const [created, create] = useMutation(CreateSeasonMutation);
  const next = Math.max(0, ...title.seasons.map((s) => s.number)) + 1;
  const [form, setForm] = useState({ number: String(next), name: '' });
  const errors = fieldErrors(created.error);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const res = await create({ input: { titleId: title.id, number: num(form.number) ?? -1, name: form.name || null } });
    if (!res.error) {
      setForm({ number: String(Number(form.number) + 1), name: '' });
      onChanged();
    }
  }

  return (
    <section className="seasons" aria-labelledby="seasons-heading">
      <h2 id="seasons-heading">Seasons and episodes</h2>
      {title.seasons.map((s) => (
        <SeasonCard key={s.id} titleId={title.id} season={s} onChanged={onChanged} />
      ))}
      <form onSubmit={submit} noValidate className="card stack" aria-label="Add a season">
        <h3>Add a season</h3>
        <FormAlert message={formError(created.error, ['number', 'name'])} />
        <div className="row">
          <Field label="Season number" hint="0 holds specials" type="number" min={0} value={form.number} onChange={(e) => setForm({ ...form, number: e.target.value })} error={errors.number} />
          <Field label="Season name" hint="Optional" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} error={errors.name} />
        </div>
        <button type="submit" disabled={created.fetching}>
          Add season
        </button>
      </form>
    </section>
  );
}

function SeasonCard({ titleId, season, onChanged }: { titleId: string; season: Season; onChanged(): void }) {
  const label = seasonLabel(season);
  const episodes = season.episodes ?? [];
  const [updated, update] = useMutation(UpdateSeasonMutation);
  const [deleted, remove] = useMutation(DeleteSeasonMutation);
  const [form, setForm] = useState({ number: String(season.number), name: season.name });
  const [confirming, setConfirming] = useState(false);
  const errors = fieldErrors(updated.error);

  async function save(e: FormEvent) {
    e.preventDefault();
    const res = await update({ id: season.id, input: { number: num(form.number), name: form.name } });
    if (!res.error) onChanged();
  }

  async function confirmDelete() {
    const res = await remove({ id: season.id });
    if (!res.error) {
      setConfirming(false);
      onChanged();
    }
  }

  return (
    <section className="card season" aria-label={label}>
      <h3>{label}</h3>
      <form onSubmit={save} noValidate className="row-form" aria-label={`Edit ${label}`}>
        <FormAlert message={formError(updated.error, ['number', 'name'])} />
        <Field label={`Number of ${label}`} type="number" min={0} value={form.number} onChange={(e) => setForm({ ...form, number: e.target.value })} error={errors.number} />
        <Field label={`Name of ${label}`} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} error={errors.name} />
        <button type="submit" disabled={updated.fetching}>
          Save season
        </button>
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          Delete season
        </button>
      </form>
      <ConfirmDialog
        open={confirming}
        title={`Delete ${label}`}
        message={deletionSummary({ kind: 'season', name: label, episodes: episodes.length, videos: episodes.filter((e) => e.video).length })}
        confirmLabel={`Delete ${label}`}
        busy={deleted.fetching}
        error={formError(deleted.error)}
        onConfirm={confirmDelete}
        onCancel={() => setConfirming(false)}
      />
      <ol className="episodes">
        {episodes.map((ep) => (
          <EpisodeItem key={ep.id} titleId={titleId} episode={ep} season={label} onChanged={onChanged} />
        ))}
      </ol>
      <AddEpisode seasonId={season.id} season={label} next={Math.max(0, ...episodes.map((e) => e.number)) + 1} onChanged={onChanged} />
    </section>
  );
}

function EpisodeItem({ titleId, episode, season, onChanged }: { titleId: string; episode: Episode; season: string; onChanged(): void }) {
  const label = `${season}, episode ${episode.number}`;
  const [updated, update] = useMutation(UpdateEpisodeMutation);
  const [deleted, remove] = useMutation(DeleteEpisodeMutation);
  const [confirming, setConfirming] = useState(false);
  const [form, setForm] = useState({
    number: String(episode.number),
    name: episode.name,
    synopsis: episode.synopsis,
    runtimeMinutes: episode.runtimeMinutes?.toString() ?? '',
  });
  const errors = fieldErrors(updated.error);

  async function save(e: FormEvent) {
    e.preventDefault();
    const res = await update({
      id: episode.id,
      input: { number: num(form.number), name: form.name, synopsis: form.synopsis, runtimeMinutes: num(form.runtimeMinutes) },
    });
    if (!res.error) onChanged();
  }

  async function confirmDelete() {
    const res = await remove({ id: episode.id });
    if (!res.error) {
      setConfirming(false);
      onChanged();
    }
  }

  return (
    <li className="episode" aria-label={`${episode.number}. ${episode.name}`}>
      <form onSubmit={save} noValidate className="stack" aria-label={`Edit ${label}`}>
        <FormAlert message={formError(updated.error, ['number', 'name', 'synopsis', 'runtimeMinutes'])} />
        <div className="row">
          <Field label={`Number of ${label}`} type="number" min={1} value={form.number} onChange={(e) => setForm({ ...form, number: e.target.value })} error={errors.number} />
          <Field label={`Name of ${label}`} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} error={errors.name} />
        </div>
        <Field label={`Synopsis of ${label}`} value={form.synopsis} onChange={(e) => setForm({ ...form, synopsis: e.target.value })} error={errors.synopsis} />
        <Field label={`Runtime of ${label} (minutes)`} type="number" value={form.runtimeMinutes} onChange={(e) => setForm({ ...form, runtimeMinutes: e.target.value })} error={errors.runtimeMinutes} />
        <div className="row-form">
          <button type="submit" disabled={updated.fetching}>
            Save episode
          </button>
          <button type="button" className="danger" onClick={() => setConfirming(true)}>
            Delete episode
          </button>
        </div>
      </form>
      <VideoPanel titleId={titleId} episodeId={episode.id} video={episode.video} label={label} onChanged={onChanged} />
      <ConfirmDialog
        open={confirming}
        title={`Delete ${episode.name}`}
        message={deletionSummary({ kind: 'episode', name: episode.name, videos: episode.video ? 1 : 0 })}
        confirmLabel={`Delete ${episode.name}`}
        busy={deleted.fetching}
        error={formError(deleted.error)}
        onConfirm={confirmDelete}
        onCancel={() => setConfirming(false)}
      />
    </li>
  );
}

function AddEpisode({ seasonId, season, next, onChanged }: { seasonId: string; season: string; next: number; onChanged(): void }) {
  const [created, create] = useMutation(CreateEpisodeMutation);
  const [form, setForm] = useState({ number: String(next), name: '', synopsis: '', runtimeMinutes: '' });
  const errors = fieldErrors(created.error);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const res = await create({
      input: { seasonId, number: num(form.number) ?? 0, name: form.name, synopsis: form.synopsis || null, runtimeMinutes: num(form.runtimeMinutes) },
    });
    if (!res.error) {
      setForm({ number: String(Number(form.number) + 1), name: '', synopsis: '', runtimeMinutes: '' });
      onChanged();
    }
  }

  return (
    <form onSubmit={submit} noValidate className="stack add-episode" aria-label={`Add an episode to ${season}`}>
      <h4>Add an episode</h4>
      <FormAlert message={formError(created.error, ['number', 'name', 'synopsis', 'runtimeMinutes'])} />
      <div className="row">
        <Field label="Episode number" type="number" min={1} value={form.number} onChange={(e) => setForm({ ...form, number: e.target.value })} error={errors.number} />
        <Field label="Episode name" required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} error={errors.name} />
      </div>
      <Field label="Episode synopsis" value={form.synopsis} onChange={(e) => setForm({ ...form, synopsis: e.target.value })} error={errors.synopsis} />
      <Field label="Episode runtime (minutes)" type="number" value={form.runtimeMinutes} onChange={(e) => setForm({ ...form, runtimeMinutes: e.target.value })} error={errors.runtimeMinutes} />
      <button type="submit" disabled={created.fetching}>
        Add episode
      </button>
    </form>
  );
}
