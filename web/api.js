// REST client for the Podium API: JSON requests, Bearer auth and the server's {"error": {...}} bodies.

/** An error from the API (or the network) with the server's code and message when there is one. */
export class ApiError extends Error {
  constructor(message, { status = 0, code = "network_error" } = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

/** Turn a non-2xx response into an ApiError, preferring the server's JSON error message. */
export async function errorFromResponse(response) {
  let code = `http_${response.status}`;
  let message = `${response.status} ${response.statusText}`.trim();
  const text = await response.text().catch(() => "");
  try {
    const body = JSON.parse(text);
    if (body && body.error) {
      code = body.error.code || code;
      message = body.error.message || message;
    }
  } catch {
    if (text && text.length < 300) message = `${message}: ${text}`;
  }
  return new ApiError(message, { status: response.status, code });
}

/** fetch() that reports network failures and HTTP errors as ApiError. */
export async function request(url, { method = "GET", token, json, body, headers = {}, keepalive } = {}) {
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  let payload = body;
  if (json !== undefined) {
    h["Content-Type"] = "application/json";
    payload = JSON.stringify(json);
  }
  let response;
  try {
    response = await fetch(url, { method, headers: h, body: payload, keepalive });
  } catch (err) {
    throw new ApiError(`cannot reach the server (${err.message})`);
  }
  if (!response.ok) throw await errorFromResponse(response);
  return response;
}

async function jsonOf(response) {
  return response.status === 204 ? null : response.json();
}

/** POST /api/v1/auth/register → the new user. */
export async function register(email, password) {
  return jsonOf(await request("/api/v1/auth/register", { method: "POST", json: { email, password } }));
}

/** POST /api/v1/auth/token → {access_token, token_type, expires_in}. */
export async function signIn(email, password) {
  return jsonOf(await request("/api/v1/auth/token", { method: "POST", json: { email, password } }));
}

/** POST /api/v1/sessions → {id, whip_url, events_url, state, ...}. */
export async function createSession(token, title) {
  return jsonOf(await request("/api/v1/sessions", { method: "POST", token, json: { title } }));
}

const TOKEN_KEY = "podium.auth";

/** The signed-in account kept in sessionStorage, or null when absent or expired. */
export function loadAuth(storage = window.sessionStorage) {
  try {
    const auth = JSON.parse(storage.getItem(TOKEN_KEY) || "null");
    if (auth && auth.token && auth.expiresAt > Date.now()) return auth;
  } catch {
    // A corrupt entry is the same as none.
  }
  storage.removeItem(TOKEN_KEY);
  return null;
}

/** Remember a token response for this tab. */
export function saveAuth(email, tokenResponse, storage = window.sessionStorage) {
  const auth = {
    email,
    token: tokenResponse.access_token,
    expiresAt: Date.now() + (tokenResponse.expires_in || 3600) * 1000,
  };
  storage.setItem(TOKEN_KEY, JSON.stringify(auth));
  return auth;
}

export function clearAuth(storage = window.sessionStorage) {
  storage.removeItem(TOKEN_KEY);
}
