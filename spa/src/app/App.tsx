import { lazy, Suspense, type ComponentType } from 'react';
import { Route, Routes } from 'react-router-dom';
import { AccountPage } from '../account/AccountPage';
import { AdminPage } from '../admin/AdminPage';
import { ForgotPasswordPage, ResetPasswordPage, VerifyEmailPage } from '../auth/RecoveryPages';
import { LoginPage } from '../auth/LoginPage';
import { RequireViewer, useSession } from '../auth/session';
import { SignupPage } from '../auth/SignupPage';
import { CategoryPage } from '../category/CategoryPage';
import { HomePage } from '../home/HomePage';
import { LandingPage } from '../landing/LandingPage';
import { CheckoutPage } from '../plans/CheckoutPage';
import { PlansPage } from '../plans/PlansPage';
import { PlayerRoute } from '../player/route';
import { ProfilesPage } from '../profiles/ProfilesPage';
import { SearchPage } from '../search/SearchPage';
import { TitlePage } from '../title/TitlePage';
import { Layout } from './Layout';
import { NotFound } from './NotFound';

// The title editor is for administrators only: its code loads when one opens it.
const TitleEditorPage = lazy(() => import('../admin/TitleEditorPage'));
// So are the quality-of-experience charts, with their charting library.
const QoePage = lazy(() => import('../admin/QoePage'));
const IntegrationsPage = lazy(() => import('../admin/IntegrationsPage'));

/** An administration page whose code loads when an administrator first opens it. */
function AdminOnly({ page: Page }: { page: ComponentType }) {
  return (
    <RequireViewer admin>
      <Suspense fallback={<p className="page muted" role="status">Loading…</p>}>
        <Page />
      </Suspense>
    </RequireViewer>
  );
}

function Start() {
  const { me, loading } = useSession();
  if (loading) return <p className="page muted" role="status">Loading…</p>;
  return me ? (
    <RequireViewer>
      <HomePage />
    </RequireViewer>
  ) : (
    <LandingPage />
  );
}

export function App() {
  return (
    <Routes>
      <Route
        path="/watch/:titleId"
        element={
          <RequireViewer>
            <PlayerRoute />
          </RequireViewer>
        }
      />
      <Route element={<Layout />}>
        <Route path="/" element={<Start />} />
        <Route path="/signup" element={<SignupPage />} />
        <Route path="/login" element={<LoginPage />} />
        <Route path="/forgot-password" element={<ForgotPasswordPage />} />
        <Route path="/reset-password" element={<ResetPasswordPage />} />
        <Route path="/verify-email" element={<VerifyEmailPage />} />
        <Route path="/title/:id" element={<TitlePage />} />
        <Route path="/category/:slug" element={<CategoryPage />} />
        <Route path="/search" element={<SearchPage />} />
        <Route path="/plans" element={<PlansPage />} />
        <Route path="/profiles" element={<RequireViewer anyProfile><ProfilesPage /></RequireViewer>} />
        <Route path="/plans/:code" element={<RequireViewer grownUp><CheckoutPage /></RequireViewer>} />
        <Route path="/account" element={<RequireViewer grownUp><AccountPage /></RequireViewer>} />
        <Route path="/admin" element={<RequireViewer admin><AdminPage /></RequireViewer>} />
        <Route path="/admin/titles/:id" element={<AdminOnly page={TitleEditorPage} />} />
        <Route path="/admin/qoe" element={<AdminOnly page={QoePage} />} />
        <Route path="/admin/integrations" element={<AdminOnly page={IntegrationsPage} />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
