import { useState, type FormEvent } from 'react';
import { useMutation, useSubscription } from 'urql';
import { FormAlert } from '../app/Field';
import type { AdminVideoFragment, UploadVideoMutation } from '../gql/graphql';
import { fieldErrors, formError } from '../lib/errors';
import { TranscodeProgressSubscription, SetVideoMarkersMutation, UploadVideoDocument } from './documents';
import { clock, markersInput, rate } from './editing';
import { multipartBody, sendMultipart } from './upload';

/**
 * A movie's or an episode's video: its state, an upload with upload and transcode progress,
 * and, once it has a duration, its skip markers on a timeline.
 */
export function VideoPanel({
  titleId,
  episodeId,
  video,
  label,
  onChanged,
}: {
  titleId: string;
  episodeId: string | null;
  video: AdminVideoFragment | null | undefined;
  label: string;
  onChanged(): void;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [uploaded, setUploaded] = useState<number | null>(null);
  const [videoId, setVideoId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function upload(e: FormEvent) {
    e.preventDefault();
    if (!file) {
      setError('Choose a video file.');
      return;
    }
    setError(null);
    setVideoId(null);
    setUploaded(0);
    try {
      const body = multipartBody(UploadVideoDocument, { titleId, episodeId }, 'file', file);
      const data = await sendMultipart<UploadVideoMutation>(body, setUploaded).done;
      setUploaded(1);
      setVideoId(data.uploadVideo.id);
    } catch (err) {
      setUploaded(null);
      setError((err as Error).message);
    }
  }

  return (
    <div className="video-panel">
      <p className="muted">
        Video: {video ? statusText(video) : 'none yet'}
        {video && video.durationSeconds > 0 ? ` · ${clock(video.durationSeconds)}` : ''}
      </p>
      <form onSubmit={upload} noValidate className="upload-row" aria-label={`Upload a video for ${label}`}>
        <FormAlert message={error} />
        <label>
          Video file for {label}
          <input type="file" accept="video/*,.mkv,.ts" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </label>
        <button type="submit" disabled={uploaded !== null && uploaded < 1}>
          Upload video
        </button>
      </form>
      {uploaded !== null && (
        <label className="progress-field">
          Upload: {Math.round(uploaded * 100)}%
          <progress max={100} value={Math.round(uploaded * 100)} />
        </label>
      )}
      {videoId && <Transcode videoId={videoId} label={label} onDone={onChanged} />}
      {video?.encodingLadder && <Ladder ladder={video.encodingLadder} label={label} />}
      {video && video.durationSeconds > 0 && <Markers key={video.id} video={video} label={label} />}
    </div>
  );
}

/** How the video's ladder was encoded: each planned rung, what it took, and whether players get it. */
function Ladder({ ladder, label }: { ladder: NonNullable<AdminVideoFragment['encodingLadder']>; label: string }) {
  return (
    <details className="ladder">
      <summary>Bitrate ladder: {ladder.method === 'PER_TITLE' ? 'per title' : 'fixed'}</summary>
      <div className="table-scroll">
        <table aria-label={`Bitrate ladder of ${label}`}>
          <thead>
            <tr>
              <th scope="col">Rung</th>
              <th scope="col">Average</th>
              <th scope="col">{ladder.method === 'PER_TITLE' ? 'Cap' : 'Target'}</th>
              <th scope="col">Offered</th>
              <th scope="col">Quality (CRF)</th>
              <th scope="col">Size</th>
            </tr>
          </thead>
          <tbody>
            {ladder.rungs.map((r) => (
              <tr key={r.name}>
                <th scope="row">{r.name}</th>
                <td>{rate(r.averageBitrate)}</td>
                <td>{rate(r.targetBitrate)}</td>
                <td>{r.published ? 'yes' : `no: ${r.droppedReason ?? ''}`}</td>
                <td>{r.crf ?? '–'}</td>
                <td>
                  {r.width}×{r.height}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

function statusText(v: AdminVideoFragment): string {
  switch (v.status) {
    case 'READY':
      return 'ready';
    case 'FAILED':
      return `failed: ${v.failureReason || 'unknown reason'}`;
    case 'UNAVAILABLE':
      return 'unavailable (its library file is gone)';
    default:
      return v.status.toLowerCase();
  }
}

/**
 * A video's transcode followed live: its state in words and a progress bar, until READY or
 * FAILED, when onDone runs.
 */
export function Transcode({ videoId, label, id, onDone }: { videoId: string; label: string; id?: string; onDone?(): void }) {
  const [{ data, error }] = useSubscription({ query: TranscodeProgressSubscription, variables: { videoId } }, (_prev, next) => {
    if (next.transcodeProgress.status === 'READY' || next.transcodeProgress.status === 'FAILED') onDone?.();
    return next;
  });
  const p = data?.transcodeProgress;
  const text = !p
    ? 'Waiting for the transcoder…'
    : p.status === 'READY'
      ? 'Ready to watch'
      : p.status === 'FAILED'
        ? `Failed: ${p.failureReason ?? 'unknown reason'}`
        : p.status === 'QUEUED'
          ? 'Queued'
          : `Transcoding: ${p.percent}%`;
  return (
    <label className="progress-field" aria-label={`Transcode of ${label}`}>
      {text}
      <progress id={id} max={100} value={p?.percent ?? 0} />
      {error && (
        <span role="alert" className="alert">
          {formError(error)}
        </span>
      )}
    </label>
  );
}

const MARKERS = [
  ['introStart', 'Intro starts'],
  ['introEnd', 'Intro ends'],
  ['creditsStart', 'Credits start'],
] as const;

/** The skip markers on a timeline: a slider and a number of seconds for each. */
function Markers({ video, label }: { video: AdminVideoFragment; label: string }) {
  const [saved, save] = useMutation(SetVideoMarkersMutation);
  const text = (x: number | null | undefined) => (x == null ? '' : String(x));
  const [form, setForm] = useState({ introStart: text(video.introStart), introEnd: text(video.introEnd), creditsStart: text(video.creditsStart) });
  const [done, setDone] = useState(false);
  const errors = fieldErrors(saved.error);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setDone(false);
    const res = await save({ videoId: video.id, input: markersInput(form) });
    setDone(!res.error);
  }

  return (
    <form onSubmit={submit} noValidate className="markers" aria-label={`Skip markers of ${label}`}>
      <FormAlert message={formError(saved.error, ['introStart', 'introEnd', 'creditsStart'])} />
      {MARKERS.map(([key, name]) => (
        <div className="marker" key={key}>
          <label>
            {name} ({form[key] === '' ? 'not set' : clock(Number(form[key]))})
            <input
              type="range"
              min={0}
              max={video.durationSeconds}
              step={0.5}
              value={form[key] === '' ? 0 : Number(form[key])}
              onChange={(e) => setForm({ ...form, [key]: e.target.value })}
            />
          </label>
          <label>
            {name}, seconds
            <input
              type="number"
              min={0}
              max={video.durationSeconds}
              step="any"
              value={form[key]}
              aria-invalid={errors[key] ? true : undefined}
              onChange={(e) => setForm({ ...form, [key]: e.target.value })}
            />
          </label>
          {errors[key] && <small className="field-error">{errors[key]}</small>}
        </div>
      ))}
      <div className="marker-actions">
        <button type="submit" disabled={saved.fetching}>
          Save markers
        </button>
        <button type="button" onClick={() => setForm({ introStart: '', introEnd: '', creditsStart: '' })}>
          Clear
        </button>
        {done && <span role="status">Markers saved</span>}
      </div>
    </form>
  );
}
