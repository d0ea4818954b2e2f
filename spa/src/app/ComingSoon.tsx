import { Link } from 'react-router-dom';

// Stands in for screens that are routed already but not built yet, so the
// landing page links lead somewhere meaningful instead of "not found".
export function ComingSoon({ title }: { title: string }) {
  return (
    <main className="page">
      <h1>{title}</h1>
      <p>This screen is not available yet.</p>
      <p>
        <Link to="/">Back to the start page</Link>
      </p>
    </main>
  );
}
