// Browser sign-in: the server keeps the session in an HttpOnly cookie.
import { requestJson } from "./client";
import type { UserOut } from "./types";

export const ME_URL = "/api/v1/me";

/** GET /api/v1/me: the signed-in user (rejects with ApiError status 401 when signed out). */
export function fetchMe(signal?: AbortSignal): Promise<UserOut> {
  return requestJson<UserOut>(ME_URL, { signal });
}

/** POST /api/v1/auth/session: sign in and set the cookie. */
export function signIn(email: string, password: string): Promise<UserOut> {
  return requestJson<UserOut>("/api/v1/auth/session", { method: "POST", json: { email, password } });
}

/** DELETE /api/v1/auth/session: sign out and clear the cookie. */
export async function signOut(): Promise<void> {
  await requestJson<undefined>("/api/v1/auth/session", { method: "DELETE" });
}

/** POST /api/v1/auth/register: create an account (201), not signed in yet; `consent` to being recorded. */
export function register(email: string, password: string, consent: boolean): Promise<UserOut> {
  return requestJson<UserOut>("/api/v1/auth/register", { method: "POST", json: { email, password, consent } });
}

/** POST /api/v1/me/consent: agree to being recorded (needed before practising or uploading; 403 consent_required). */
export function giveConsent(): Promise<UserOut> {
  return requestJson<UserOut>("/api/v1/me/consent", { method: "POST" });
}

/** DELETE /api/v1/me/consent: withdraw it; new recordings and uploads are refused, existing ones stay. */
export function withdrawConsent(): Promise<UserOut> {
  return requestJson<UserOut>("/api/v1/me/consent", { method: "DELETE" });
}
