// Resumable uploads (tus 1.0) with tus-js-client: chunked, pausable, resumable after a page reload
// (tus-js-client keeps each upload's URL in localStorage under a fingerprint of the file).
import { defaultOptions, Upload, type DetailedError, type HttpResponse, type PreviousUpload } from "tus-js-client";

export const UPLOADS_ENDPOINT = "/api/v1/uploads";
export const SESSION_ID_HEADER = "Podium-Session-Id";
/** 8 MiB per PATCH: small enough that a pause or a dropped connection loses little. */
export const CHUNK_BYTES = 8 * 1024 * 1024;

/** Unfinished uploads expire on the server after a day (PODIUM_UPLOAD_EXPIRY_S); older entries are dropped. */
export const RESUME_MAX_AGE_MS = 24 * 3600 * 1000;

export interface StoredUpload {
  readonly creationTime: string;
  readonly urlStorageKey: string;
  readonly uploadUrl: string | null;
  readonly size: number | null;
  readonly metadata: Readonly<Record<string, string>>;
}

function ageMs(upload: StoredUpload, now: number): number {
  const created = Date.parse(upload.creationTime);
  return Number.isFinite(created) ? now - created : Number.POSITIVE_INFINITY;
}

/** Stored uploads split into those that can still be resumed (newest first) and expired ones to forget. */
export function sortStored<T extends StoredUpload>(
  stored: readonly T[],
  now: number,
  maxAgeMs = RESUME_MAX_AGE_MS,
): { live: T[]; expired: T[] } {
  const live: T[] = [];
  const expired: T[] = [];
  for (const upload of stored) {
    if (upload.uploadUrl && ageMs(upload, now) <= maxAgeMs) live.push(upload);
    else expired.push(upload);
  }
  live.sort((a, b) => Date.parse(b.creationTime) - Date.parse(a.creationTime));
  return { live, expired };
}

export interface UploadCallbacks {
  readonly onProgress: (sent: number, total: number) => void;
  readonly onSuccess: (sessionId: string) => void;
  /** `status` 0 when the server did not answer; `body` is the response text (a JSON error). */
  readonly onError: (status: number, body: string, error: Error) => void;
}

export interface UploadHandle {
  /** Whether an earlier upload of this file is being continued. */
  readonly resumed: boolean;
  pause(): Promise<void>;
  resume(): void;
  /** Stop and delete the upload on the server. */
  cancel(): Promise<void>;
}

/** 4xx answers after which the server keeps nothing of the upload (not "busy" or "slow down"). */
export function isFinalRejection(status: number): boolean {
  return status >= 400 && status < 500 && ![401, 408, 409, 423, 429].includes(status);
}

async function forgetFile(upload: Upload): Promise<void> {
  const stored = await upload.findPreviousUploads();
  await Promise.all(stored.map((p) => forgetUpload(p.urlStorageKey)));
}

function sessionIdOf(response: HttpResponse | null | undefined): string | null {
  return response?.getHeader(SESSION_ID_HEADER) ?? null;
}

/** Start (or continue, when this file was partly uploaded before) a tus upload of `file`. */
export async function startUpload(file: File, title: string, callbacks: UploadCallbacks): Promise<UploadHandle> {
  let sessionId: string | null = null;
  const upload = new Upload(file, {
    endpoint: UPLOADS_ENDPOINT,
    chunkSize: CHUNK_BYTES,
    retryDelays: [0, 1000, 3000, 5000],
    metadata: { filename: file.name, filetype: file.type, title },
    storeFingerprintForResuming: true,
    removeFingerprintOnSuccess: true,
    onProgress: (sent, total) => callbacks.onProgress(sent, total),
    onAfterResponse: (_request, response) => {
      sessionId = sessionIdOf(response) ?? sessionId;
    },
    onSuccess: ({ lastResponse }) => {
      const id = sessionIdOf(lastResponse) ?? sessionId;
      if (id) callbacks.onSuccess(id);
      else callbacks.onError(0, "", new Error("the server did not name the new session"));
    },
    onError: (error) => {
      const response = (error as DetailedError).originalResponse ?? null;
      const status = response?.getStatus() ?? 0;
      const report = () => callbacks.onError(status, response?.getBody() ?? "", error);
      // A rejected upload is gone from the server: forget it here too, so it is not offered for resuming.
      if (isFinalRejection(status)) void forgetFile(upload).finally(report);
      else report();
    },
  });
  const previous = sortStored(await upload.findPreviousUploads(), Date.now());
  const latest = previous.live[0];
  if (latest) upload.resumeFromPreviousUpload(latest);
  await Promise.all(previous.expired.map((p) => forgetUpload(p.urlStorageKey)));
  upload.start();
  return {
    resumed: latest !== undefined,
    pause: () => upload.abort(false),
    resume: () => upload.start(),
    cancel: () => upload.abort(true),
  };
}

/** Unfinished uploads this browser remembers (to offer resuming after a reload), newest first. */
export async function unfinishedUploads(): Promise<PreviousUpload[]> {
  const all = await defaultOptions.urlStorage.findAllUploads();
  return sortStored(all, Date.now()).live;
}

/** Forget a remembered upload (it stays on the server until it expires). */
export function forgetUpload(urlStorageKey: string): Promise<void> {
  return defaultOptions.urlStorage.removeUpload(urlStorageKey);
}
