// Routes and the app's layout: a nav with the Podium name, the signed-in account and sign-out.
import { lazy, Suspense, type ReactNode } from "react";
import { Navigate, NavLink, Outlet, Route, Routes, useNavigate } from "react-router";
import { RequireAuth } from "./auth/RequireAuth";
import { useMe, useSignOut } from "./auth/me";
import { Button } from "./components/ui/Button";
import { Spinner } from "./components/ui/Spinner";
import { SignInPage } from "./pages/auth/SignInPage";
import { SignUpPage } from "./pages/auth/SignUpPage";

const PracticePage = lazy(() => import("./pages/practice/PracticePage").then((m) => ({ default: m.PracticePage })));
const SessionsPage = lazy(() => import("./pages/sessions/SessionsPage").then((m) => ({ default: m.SessionsPage })));
const ReviewPage = lazy(() => import("./pages/review/ReviewPage").then((m) => ({ default: m.ReviewPage })));
const ProgressPage = lazy(() => import("./pages/progress/ProgressPage").then((m) => ({ default: m.ProgressPage })));
const UploadPage = lazy(() => import("./pages/upload/UploadPage").then((m) => ({ default: m.UploadPage })));
const SharesPage = lazy(() => import("./pages/shares/SharesPage").then((m) => ({ default: m.SharesPage })));
const AccountPage = lazy(() => import("./pages/account/AccountPage").then((m) => ({ default: m.AccountPage })));
const WatchPage = lazy(() => import("./pages/watch/WatchPage").then((m) => ({ default: m.WatchPage })));

const NAV = [
  { to: "/practice", label: "Practice" },
  { to: "/sessions", label: "Sessions" },
  { to: "/progress", label: "Progress" },
  { to: "/upload", label: "Upload" },
  { to: "/shares", label: "Shares" },
];

function SignOutButton() {
  const signOut = useSignOut();
  const navigate = useNavigate();
  return (
    <Button
      variant="ghost"
      className="nav-signout"
      busy={signOut.isPending}
      onClick={() => signOut.mutate(undefined, { onSettled: () => void navigate("/signin", { replace: true }) })}
    >
      Sign out
    </Button>
  );
}

function Layout() {
  const me = useMe();
  return (
    <div className="app-shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <nav className="app-nav" aria-label="Main">
        <NavLink to="/practice" className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Podium
        </NavLink>
        <ul className="nav-links">
          {NAV.map((item) => (
            <li key={item.to}>
              <NavLink to={item.to}>{item.label}</NavLink>
            </li>
          ))}
        </ul>
        <div className="nav-account">
          {me.data && (
            <NavLink to="/account" className="nav-email" title={`${me.data.email}: account and consent`}>
              {me.data.email}
            </NavLink>
          )}
          <SignOutButton />
        </div>
      </nav>
      <main id="main" className="app-main" tabIndex={-1}>
        <Suspense fallback={<Spinner />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}

function Protected({ children }: { children: ReactNode }) {
  return <RequireAuth>{children}</RequireAuth>;
}

function Home() {
  const me = useMe();
  if (me.isPending) return <Spinner label="Checking your sign-in…" />;
  return <Navigate to={me.data ? "/practice" : "/signin"} replace />;
}

function NotFound() {
  return (
    <div className="page-narrow">
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. <NavLink to="/practice">Go to practice</NavLink>.
      </p>
    </div>
  );
}

export function App() {
  return (
    <Routes>
      <Route path="/" element={<Home />} />
      <Route path="/signin" element={<SignInPage />} />
      <Route path="/signup" element={<SignUpPage />} />
      <Route
        element={
          <Protected>
            <Layout />
          </Protected>
        }
      >
        <Route path="/practice" element={<PracticePage />} />
        <Route path="/sessions" element={<SessionsPage />} />
        <Route path="/sessions/:id" element={<ReviewPage />} />
        <Route path="/progress" element={<ProgressPage />} />
        <Route path="/upload" element={<UploadPage />} />
        <Route path="/shares" element={<SharesPage />} />
        <Route path="/watch/:id" element={<WatchPage />} />
        <Route path="/account" element={<AccountPage />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
