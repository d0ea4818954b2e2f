import { useEffect, useState } from 'react';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { useMutation } from 'urql';
import { LogoutMutation } from '../auth/documents';
import { useSession } from '../auth/session';
import { VerifyBanner } from '../account/VerifyBanner';

export function Layout() {
  const { me, reset } = useSession();
  const [{ fetching }, logout] = useMutation(LogoutMutation);
  const navigate = useNavigate();
  const kids = me?.profile?.kids ?? false;
  // On small screens the links fold behind a Menu button; any navigation folds them again.
  const [open, setOpen] = useState(false);
  const location = useLocation();
  useEffect(() => setOpen(false), [location.pathname]);

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
        {me && (
          <button
            type="button"
            className="menu-button"
            aria-expanded={open}
            aria-controls="main-nav"
            onClick={() => setOpen(!open)}
          >
            {open ? 'Close menu' : 'Menu'}
          </button>
        )}
        {me ? (
          <nav aria-label="Main" id="main-nav" className={`main-nav${open ? ' open' : ''}`}>
            <NavLink to="/" end>
              Home
            </NavLink>
            <NavLink to="/search">Search</NavLink>
            {!kids && <NavLink to="/plans">Plans</NavLink>}
            {!kids && <NavLink to="/account">Account</NavLink>}
            {!kids && me.role === 'ADMIN' && <NavLink to="/admin">Admin</NavLink>}
            <NavLink to="/profiles" className="profile-link" aria-label={me.profile ? `${me.profile.name}${kids ? ' Kids' : ''}: switch profile` : 'Profiles: choose who is watching'}>
              {me.profile ? me.profile.name : 'Profiles'}
              {kids && ' '}
              {kids && <span className="badge">Kids</span>}
            </NavLink>
            <button type="button" className="link-button" onClick={onLogout} disabled={fetching}>
              Log out
            </button>
          </nav>
        ) : (
          <nav aria-label="Main" className="main-nav short">
            <NavLink to="/plans">Plans</NavLink>
          </nav>
        )}
      </header>
      {me && !kids && <VerifyBanner me={me} />}
      <div id="main" tabIndex={-1}>
        <Outlet />
      </div>
    </>
  );
}
