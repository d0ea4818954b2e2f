import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useMutation, useQuery, useSubscription } from 'urql';
import { Field, FormAlert } from '../app/Field';
import { fieldErrors, formError } from '../lib/errors';
import { AdminSearchQuery, LibraryScanProgressSubscription, StartLibraryScanMutation } from './documents';

/** Finds a title to edit by name. */
export function FindTitle() {
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const [{ data, fetching }] = useQuery({ query: AdminSearchQuery, variables: { query }, pause: query === '', requestPolicy: 'network-only' });
  const found = (data?.search.edges ?? []).flatMap((e) => (e.node ? [e.node] : []));
  return (
    <section aria-labelledby="find-heading" className="card">
      <h2 id="find-heading">Edit a title</h2>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery(text.trim());
        }}
      >
        <Field label="Title name" type="search" value={text} onChange={(e) => setText(e.target.value)} />
        <button type="submit">Find</button>
      </form>
      {query !== '' && !fetching && found.length === 0 && <p className="muted">No title matches “{query}”.</p>}
      <ul className="found">
        {found.map((t) => (
          <li key={t.id}>
            <Link to={`/admin/titles/${t.id}`}>
              Edit {t.name}
              {t.year ? ` (${t.year})` : ''}
            </Link>{' '}
            <span className="muted">{t.kind === 'SERIES' ? 'series' : 'movie'}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Starts a library scan of a folder on the server and follows it to its report. */
export function ScanLibrary() {
  const [path, setPath] = useState('');
  const [started, start] = useMutation(StartLibraryScanMutation);
  const errors = fieldErrors(started.error);
  const id = started.data?.startLibraryScan.id;

  async function submit(e: FormEvent) {
    e.preventDefault();
    await start({ path: path.trim() });
  }

  return (
    <section aria-labelledby="scan-heading" className="card">
      <h2 id="scan-heading">Scan a media folder</h2>
      <form onSubmit={submit} noValidate className="stack">
        <FormAlert message={formError(started.error, ['path'])} />
        <Field
          label="Folder on the server"
          placeholder="/srv/media/Movies"
          hint="Named as Jellyfin and Plex expect; under the server's --library-dirs"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          error={errors.path}
        />
        <button type="submit" disabled={started.fetching}>
          Start scan
        </button>
      </form>
      {id && <ScanProgress id={id} key={id} />}
    </section>
  );
}

function ScanProgress({ id }: { id: string }) {
  const [{ data, error }] = useSubscription({ query: LibraryScanProgressSubscription, variables: { id } });
  const s = data?.libraryScanProgress;
  if (!s) return <p role="status">Starting the scan…</p>;
  return (
    <div className="scan-report">
      <label className="progress-field">
        {s.state === 'RUNNING' ? `Scanning: ${s.done} of ${s.total} files` : s.state === 'DONE' ? 'Scan finished' : `Scan failed: ${s.error}`}
        <progress max={Math.max(1, s.total)} value={s.done} />
      </label>
      {s.state === 'RUNNING' && s.current && <p className="muted">{s.current}</p>}
      {s.state !== 'RUNNING' && (
        <p role="status">
          Added {s.added}, updated {s.updated}, unchanged {s.unchanged}, skipped {s.skipped.length}
          {s.missing.length > 0 ? `, missing ${s.missing.length}` : ''}.
        </p>
      )}
      {s.skipped.length > 0 && (
        <details>
          <summary>Skipped ({s.skipped.length})</summary>
          <ul>
            {s.skipped.map((k) => (
              <li key={k.path}>
                <code>{k.path}</code>: {k.why}
              </li>
            ))}
          </ul>
        </details>
      )}
      {s.missing.length > 0 && (
        <details>
          <summary>Missing ({s.missing.length})</summary>
          <ul>
            {s.missing.map((m) => (
              <li key={m}>
                <code>{m}</code>
              </li>
            ))}
          </ul>
        </details>
      )}
      {s.notes.length > 0 && (
        <details>
          <summary>Notes ({s.notes.length})</summary>
          <ul>
            {s.notes.map((n, i) => (
              <li key={i}>
                <code>{n.path}</code>: {n.why}
              </li>
            ))}
          </ul>
        </details>
      )}
      {error && (
        <p role="alert" className="alert">
          {formError(error)}
        </p>
      )}
    </div>
  );
}
