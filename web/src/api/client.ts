// fetch() for the Podium API: same-origin cookie auth, JSON bodies, and the server's {"error": {...}} as ApiError.

/** An error from the API (or the network), with the server's code, message and details when it sent them. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(message: string, status = 0, code = "network_error", details: unknown = undefined) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export interface RequestOptions {
  method?: string;
  /** Sent as JSON with Content-Type: application/json. */
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  keepalive?: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** Turn a non-2xx response into an ApiError, preferring the server's JSON error. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  const fallback = `${response.status} ${response.statusText}`.trim();
  const text = await response.text().catch(() => "");
  try {
    const body: unknown = JSON.parse(text);
    const error = isRecord(body) ? body.error : undefined;
    if (isRecord(error)) {
      const code = typeof error.code === "string" ? error.code : `http_${response.status}`;
      const message = typeof error.message === "string" && error.message ? error.message : fallback;
      return new ApiError(message, response.status, code, error.details);
    }
  } catch {
    // Not JSON: a proxy's error page, say.
  }
  return new ApiError(fallback || "request failed", response.status, `http_${response.status}`);
}

/** fetch() that sends the session cookie and reports network failures and HTTP errors as ApiError. */
export async function request(url: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
  let body = options.body;
  if (options.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.json);
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method: options.method ?? "GET",
      headers,
      body,
      credentials: "same-origin",
      signal: options.signal,
      keepalive: options.keepalive,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw new ApiError(`Cannot reach the Podium server (${reason}).`);
  }
  if (!response.ok) throw await errorFromResponse(response);
  return response;
}

/** A JSON request; resolves to the parsed body (undefined for 204). */
export async function requestJson<T>(url: string, options: RequestOptions = {}): Promise<T> {
  const response = await request(url, options);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** The error's message for people, whatever was thrown. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error && err.message) return err.message;
  return "Something went wrong.";
}
