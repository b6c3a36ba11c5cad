// The upload page's pure logic: file checks, readable error messages, which earlier upload to resume,
// and the upload's state machine.

export const MEDIA_EXTENSIONS = ["webm", "mkv", "mp4", "mov", "m4a", "mp3", "wav", "ogg", "opus"] as const;

export interface FileFacts {
  readonly name: string;
  readonly size: number;
  readonly type: string;
}

function extension(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot >= 0 ? name.slice(dot + 1).toLowerCase() : "";
}

/** Why `file` cannot be uploaded, in words, or null when it can (the server checks the content itself). */
export function fileProblem(file: FileFacts, maxBytes: number | null = null): string | null {
  if (file.size === 0) return `“${file.name}” is empty: choose a recording of your talk.`;
  if (maxBytes !== null && file.size > maxBytes) {
    return `“${file.name}” is ${formatBytes(file.size)}; the largest upload is ${formatBytes(maxBytes)}.`;
  }
  const media = /^(audio|video)\//.test(file.type);
  const known = (MEDIA_EXTENSIONS as readonly string[]).includes(extension(file.name));
  if (!media && !known) {
    return `“${file.name}” does not look like an audio or video file (${MEDIA_EXTENSIONS.join(", ")}).`;
  }
  return null;
}

/** `532 B`, `4.2 MB`, `1.3 GB` (decimal units). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "—";
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** Whole percent of `sent` out of `total`, 0–100. */
export function percent(sent: number, total: number): number {
  if (!(total > 0)) return 0;
  return Math.max(0, Math.min(100, Math.floor((100 * sent) / total)));
}

function errorText(body: string): string | null {
  try {
    const parsed: unknown = JSON.parse(body);
    const error = (parsed as { error?: { message?: unknown } } | null)?.error;
    return typeof error?.message === "string" && error.message ? error.message : null;
  } catch {
    return null;
  }
}

/** What to tell the user about a failed upload request (`status` 0: no answer). */
export function uploadErrorMessage(status: number, body: string): string {
  const detail = errorText(body);
  const withDetail = (text: string) => (detail ? `${text} (${detail})` : text);
  switch (status) {
    case 0:
      return "The server could not be reached. Check your connection, then resume.";
    case 401:
      return "You were signed out. Sign in again, then choose the file to resume.";
    case 410:
      return "This upload expired on the server. Choose the file again to start over.";
    case 413:
      return withDetail("The file is too large for this server.");
    case 415:
      return withDetail("This file is not a recording Podium can read: choose an audio or video file.");
    case 422:
      return withDetail("The recording looks truncated or empty: export it again and upload the complete file.");
    default:
      return detail ?? `The upload failed (HTTP ${status}).`;
  }
}

export type UploadPhase =
  | { readonly kind: "idle" }
  | { readonly kind: "uploading"; readonly fileName: string; readonly sent: number; readonly total: number; readonly resumed: boolean }
  | { readonly kind: "paused"; readonly fileName: string; readonly sent: number; readonly total: number }
  | { readonly kind: "processing"; readonly fileName: string; readonly total: number }
  | { readonly kind: "done"; readonly fileName: string; readonly sessionId: string }
  | { readonly kind: "failed"; readonly fileName: string; readonly message: string; readonly sent: number; readonly total: number };

export type UploadEvent =
  | { readonly type: "start"; readonly fileName: string; readonly total: number; readonly resumed: boolean }
  | { readonly type: "progress"; readonly sent: number; readonly total: number }
  | { readonly type: "pause" }
  | { readonly type: "resume" }
  | { readonly type: "success"; readonly sessionId: string }
  | { readonly type: "error"; readonly message: string }
  | { readonly type: "reset" };

/** The upload's next phase; events that do not apply in the current phase leave it unchanged. */
export function uploadReducer(phase: UploadPhase, event: UploadEvent): UploadPhase {
  switch (event.type) {
    case "start":
      return { kind: "uploading", fileName: event.fileName, sent: 0, total: event.total, resumed: event.resumed };
    case "progress":
      if (phase.kind !== "uploading") return phase;
      if (event.sent >= event.total && event.total > 0) return { kind: "processing", fileName: phase.fileName, total: event.total };
      return { ...phase, sent: event.sent, total: event.total };
    case "pause":
      return phase.kind === "uploading"
        ? { kind: "paused", fileName: phase.fileName, sent: phase.sent, total: phase.total }
        : phase;
    case "resume":
      return phase.kind === "paused" || phase.kind === "failed"
        ? { kind: "uploading", fileName: phase.fileName, sent: phase.sent, total: phase.total, resumed: true }
        : phase;
    case "success":
      return "fileName" in phase ? { kind: "done", fileName: phase.fileName, sessionId: event.sessionId } : phase;
    case "error":
      return "fileName" in phase
        ? { kind: "failed", fileName: phase.fileName, message: event.message, ...sentOf(phase) }
        : { kind: "failed", fileName: "", message: event.message, sent: 0, total: 0 };
    case "reset":
      return { kind: "idle" };
  }
}

function sentOf(phase: UploadPhase): { sent: number; total: number } {
  if (phase.kind === "uploading" || phase.kind === "paused" || phase.kind === "failed") {
    return { sent: phase.sent, total: phase.total };
  }
  if (phase.kind === "processing") return { sent: phase.total, total: phase.total };
  return { sent: 0, total: 0 };
}
