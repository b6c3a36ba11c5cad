// Coaching: shares with coaches, timed notes, and the speaker's live-notes switch (README "Coaching").
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { requestJson } from "./client";
import { SESSIONS_KEY, sessionUrl } from "./sessions";
import type { Schema, SessionOut } from "./types";

export type ShareOut = Schema<"ShareOut">;
export type ShareLists = Schema<"ShareLists">;
export type SharePermission = Schema<"SharePermission">;
export type CreateShare = Schema<"CreateShare">;
export type NoteOut = Schema<"NoteOut">;
export type NoteList = Schema<"NoteList">;
export type CreateNote = Schema<"CreateNote">;

export const SHARES_KEY = ["shares"] as const;
const SHARES_URL = "/api/v1/shares";

export function shareUrl(id: string): string {
  return `${SHARES_URL}/${encodeURIComponent(id)}`;
}

export function notesUrl(sessionId: string): string {
  return `${sessionUrl(sessionId)}/notes`;
}

export function notesKey(sessionId: string) {
  return [...SESSIONS_KEY, "notes", sessionId] as const;
}

export function useShares() {
  return useQuery({
    queryKey: SHARES_KEY,
    queryFn: ({ signal }) => requestJson<ShareLists>(SHARES_URL, { signal }),
  });
}

export function useCreateShare() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (share: CreateShare) => requestJson<ShareOut>(SHARES_URL, { method: "POST", json: share }),
    onSuccess: () => client.invalidateQueries({ queryKey: SHARES_KEY }),
  });
}

export function useUpdateShare() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, permission }: { id: string; permission: SharePermission }) =>
      requestJson<ShareOut>(shareUrl(id), { method: "PATCH", json: { permission } }),
    onSuccess: () => client.invalidateQueries({ queryKey: SHARES_KEY }),
  });
}

export function useRevokeShare() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => requestJson<undefined>(shareUrl(id), { method: "DELETE" }),
    onSuccess: () => client.invalidateQueries({ queryKey: SHARES_KEY }),
  });
}

export function useNotes(sessionId: string, enabled = true) {
  return useQuery({
    queryKey: notesKey(sessionId),
    queryFn: ({ signal }) => requestJson<NoteList>(notesUrl(sessionId), { signal }),
    enabled,
  });
}

export function useCreateNote(sessionId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (note: CreateNote) => requestJson<NoteOut>(notesUrl(sessionId), { method: "POST", json: note }),
    onSuccess: () => client.invalidateQueries({ queryKey: notesKey(sessionId) }),
  });
}

/** PATCH /api/v1/sessions/{id} {"live_notes": …}: whether coaches' notes reach the speaker while live. */
export function setLiveNotes(sessionId: string, liveNotes: boolean): Promise<SessionOut> {
  return requestJson<SessionOut>(sessionUrl(sessionId), { method: "PATCH", json: { live_notes: liveNotes } });
}

/** "1:05" for 65.2 s of media time. */
export function formatNoteTime(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

/** A note's tag as words: "eye_contact" → "Eye contact". */
export function tagLabel(tag: string): string {
  const spaced = tag.replace(/_/g, " ").trim();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}
