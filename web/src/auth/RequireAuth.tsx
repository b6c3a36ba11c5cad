// Routes inside need a signed-in user: others go to /signin?next=<here>.
import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { ErrorBanner } from "../components/ui/ErrorBanner";
import { Spinner } from "../components/ui/Spinner";
import { useMe } from "./me";
import { signInUrl } from "./next";

export function RequireAuth({ children }: { children: ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <Spinner label="Checking your sign-in…" />;
  if (me.isError) return <ErrorBanner error={me.error} onRetry={() => void me.refetch()} />;
  if (me.data === null) return <Navigate to={signInUrl(location.pathname + location.search)} replace />;
  return <>{children}</>;
}
