import { Link } from 'react-router-dom';
import { useTitle } from '../app/title';
import './landing.css';

export function LandingPage() {
  useTitle();
  return (
    <main className="landing">
      <h1>Marquee</h1>
      <p className="lede">Films and series from your own server, on every screen you own.</p>
      <nav aria-label="Account">
        <ul className="actions">
          <li>
            <Link to="/signup" className="button primary">
              Sign up
            </Link>
          </li>
          <li>
            <Link to="/login" className="button">
              Log in
            </Link>
          </li>
        </ul>
      </nav>
    </main>
  );
}
