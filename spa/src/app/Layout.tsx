import { Link, NavLink, Outlet, useNavigate } from 'react-router-dom';
import { useMutation } from 'urql';
import { LogoutMutation } from '../auth/documents';
import { useSession } from '../auth/session';

export function Layout() {
  const { me, reset } = useSession();
  const [{ fetching }, logout] = useMutation(LogoutMutation);
  const navigate = useNavigate();

  async function onLogout() {
    await logout({});
    // Whatever the answer, this browser's session is over for the viewer: start
    // over with an empty cache and a new websocket.
    reset();
    navigate('/', { replace: true });
  }

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <Link to="/" className="brand" aria-label="Marquee home">
          Marquee
        </Link>
        {me ? (
          <nav aria-label="Main" className="main-nav">
            <NavLink to="/" end>
              Home
            </NavLink>
            <NavLink to="/search">Search</NavLink>
            <NavLink to="/plans">Plans</NavLink>
            <NavLink to="/account">Account</NavLink>
            {me.role === 'ADMIN' && <NavLink to="/admin">Admin</NavLink>}
            <button type="button" className="link-button" onClick={onLogout} disabled={fetching}>
              Log out
            </button>
          </nav>
        ) : (
          <nav aria-label="Main" className="main-nav">
            <NavLink to="/plans">Plans</NavLink>
          </nav>
        )}
      </header>
      <div id="main" tabIndex={-1}>
        <Outlet />
      </div>
    </>
  );
}
