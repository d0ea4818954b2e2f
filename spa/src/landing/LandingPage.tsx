import { Link } from 'react-router-dom';

export function LandingPage() {
  return (
    <main className="page">
      <h1>Marquee</h1>
      <p>Films and series from your own server, on every screen you own.</p>
      <nav aria-label="Account">
        <ul className="actions">
          <li>
            <Link to="/signup">Sign up</Link>
          </li>
          <li>
            <Link to="/login">Log in</Link>
          </li>
        </ul>
      </nav>
    </main>
  );
}
