// Where to go after signing in: only same-origin paths, never another site.

export const DEFAULT_AFTER_SIGN_IN = "/practice";

/** The `next` query value if it is a local path ("/sessions/1"), else the default. */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) {
    return DEFAULT_AFTER_SIGN_IN;
  }
  if (next.startsWith("/signin") || next.startsWith("/signup")) return DEFAULT_AFTER_SIGN_IN;
  return next;
}

/** The sign-in URL that comes back to `path` (path + search) afterwards. */
export function signInUrl(path: string): string {
  return path && path !== "/" ? `/signin?next=${encodeURIComponent(path)}` : "/signin";
}
