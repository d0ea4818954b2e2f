import { Link } from 'react-router-dom';
import { useTitle } from './title';

export function NotFound() {
  useTitle('Page not found');
  return (
    <main className="page">
      <h1>Page not found</h1>
      <p>There is nothing at this address.</p>
      <p>
        <Link to="/">Back to the start page</Link>
      </p>
    </main>
  );
}
