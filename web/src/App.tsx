import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, NavLink, Route, Routes, useLocation } from 'react-router';
import { AuthProvider, useAuth } from './auth';
import { Loading, Problem } from './components/Problem';
import { Login } from './pages/Login';
import { Scenarios } from './pages/Scenarios';
import { Runs } from './pages/Runs';
import { Account } from './pages/Account';
import { Studies } from './pages/Studies';

// The pages that carry the editor, the graph and the charts load on demand.
const ScenarioPage = lazy(() => import('./pages/ScenarioPage'));
const DiffPage = lazy(() => import('./pages/DiffPage'));
const RunPage = lazy(() => import('./pages/RunPage'));
const StudyPage = lazy(() => import('./pages/StudyPage'));
const ComparePage = lazy(() => import('./pages/ComparePage'));

export function App() {
  return (
    <AuthProvider>
      <Shell />
    </AuthProvider>
  );
}

function Shell() {
  const { user, loading, error, signOut, config } = useAuth();
  const loc = useLocation();
  if (loading) return <Loading what="Starting" />;
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand" aria-hidden="true">
          FastSim
        </span>
        {user && (
          <nav aria-label="Main">
            <NavLink to="/scenarios">Scenarios</NavLink>
            <NavLink to="/runs">Runs</NavLink>
            <NavLink to="/compare">Compare</NavLink>
            <NavLink to="/studies">Studies</NavLink>
            <NavLink to="/account">Account</NavLink>
          </nav>
        )}
        <span className="spacer" />
        {user && (
          <>
            <span className="muted who">{user.email}</span>
            {!config.single_user && (
              <button type="button" className="link" onClick={() => void signOut()}>
                Sign out
              </button>
            )}
          </>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        <Problem error={error} title="The server could not be reached" />
        {!user ? (
          <Login />
        ) : (
          <Suspense fallback={<Loading />}>
            <Routes location={loc}>
              <Route path="/" element={<Navigate to="/scenarios" replace />} />
              <Route path="/login" element={<Navigate to="/scenarios" replace />} />
              <Route path="/scenarios" element={<Scenarios />} />
              <Route path="/scenarios/:id" element={<ScenarioPage />} />
              <Route path="/scenarios/:id/diff" element={<DiffPage />} />
              <Route path="/runs" element={<Runs />} />
              <Route path="/runs/:id" element={<RunPage />} />
              <Route path="/compare" element={<ComparePage />} />
              <Route path="/studies" element={<Studies />} />
              <Route path="/studies/:id" element={<StudyPage />} />
              <Route path="/account" element={<Account />} />
              <Route path="*" element={<NotFound />} />
            </Routes>
          </Suspense>
        )}
      </main>
    </>
  );
}

function NotFound(): ReactNode {
  return (
    <section>
      <h1>Not found</h1>
      <p>
        This page does not exist. <NavLink to="/scenarios">Go to the scenarios</NavLink>.
      </p>
    </section>
  );
}
