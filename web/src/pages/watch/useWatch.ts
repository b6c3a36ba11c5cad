// One coach's view of a live session: WHEP media, the feedback folded into LiveState, live notes, the media clock.
import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import { ApiError } from "../../api/client";
import { INITIAL_LIVE, liveReducer, type LiveState } from "../../live/liveState";
import type { NoteMessage } from "../../live/noteMessage";
import { WhepViewer } from "../../live/whepViewer";

export type WatchPhase = "idle" | "connecting" | "live" | "ended" | "failed";

export interface Watch {
  phase: WatchPhase;
  state: LiveState;
  stream: MediaStream | null;
  liveNotes: NoteMessage[];
  error: unknown;
  /** The speaker's media time now (s): the latest message's time plus the time since; null before any. */
  now: () => number | null;
}

const TICK_MS = 500;

export function useWatch(whepUrl: string | null): Watch {
  const [state, dispatch] = useReducer(liveReducer, INITIAL_LIVE);
  const [phase, setPhase] = useState<WatchPhase>(whepUrl ? "connecting" : "idle");
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [liveNotes, setLiveNotes] = useState<NoteMessage[]>([]);
  const [error, setError] = useState<unknown>(null);
  const clock = useRef<{ t: number; at: number } | null>(null);

  const heard = useCallback((t: number) => {
    if (!clock.current || t > clock.current.t) clock.current = { t, at: performance.now() };
  }, []);

  useEffect(() => {
    if (!whepUrl) return;
    let current = true;
    const viewer = new WhepViewer(whepUrl, {
      onConnectionState: (next) => {
        if (!current) return;
        if (next === "connected") setPhase("live");
        // the server closing the viewing after the session ended can read as a failure: ended stays ended
        else if (next === "failed") setPhase((p) => (p === "ended" ? p : "failed"));
        else if (next === "closed" || next === "disconnected") setPhase((p) => (p === "live" ? "ended" : p));
      },
      onStream: (s) => current && setStream(s),
      onMessage: (message) => {
        if (!current) return;
        if (message.type !== "session") heard(message.t_s);
        dispatch({ kind: "message", message, now: performance.now() });
        if (message.type === "session" && message.state === "ended") {
          setPhase("ended");
          void viewer.stop({ notify: false }); // the server ended the session and every viewing with it
        }
      },
      onNote: (note) => current && setLiveNotes((notes) => (notes.some((n) => n.id === note.id) ? notes : [...notes, note])),
    });
    viewer.watch().catch((err: unknown) => {
      if (!current) return;
      setError(err instanceof ApiError || err instanceof Error ? err : new Error(String(err)));
      setPhase("failed");
    });
    const leave = () => void viewer.stop({ keepalive: true });
    window.addEventListener("pagehide", leave);
    return () => {
      current = false;
      window.removeEventListener("pagehide", leave);
      void viewer.stop();
    };
  }, [whepUrl, heard]);

  useEffect(() => {
    if (phase !== "live") return;
    const timer = setInterval(() => dispatch({ kind: "tick", now: performance.now() }), TICK_MS);
    return () => clearInterval(timer);
  }, [phase]);

  const now = useCallback(() => {
    const c = clock.current;
    return c ? c.t + (performance.now() - c.at) / 1000 : null;
  }, []);

  return { phase, state, stream, liveNotes, error, now };
}
