// Live sessions: create one to publish to over WHIP.
import { requestJson } from "./client";
import type { SessionOut } from "./types";

/** POST /api/v1/sessions: a new live session with its WHIP and events URLs. */
export function createSession(title: string): Promise<SessionOut> {
  return requestJson<SessionOut>("/api/v1/sessions", { method: "POST", json: { title } });
}
