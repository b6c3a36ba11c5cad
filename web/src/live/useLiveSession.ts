// One live practice session: create it, publish over WHIP, fold the feedback into LiveState, stop.
import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import { createSession } from "../api/live";
import type { SessionOut } from "../api/types";
import { INITIAL_LIVE, liveReducer, type LiveState } from "./liveState";
import { addLiveNote, type NoteMessage } from "./noteMessage";
import { WhipPublisher } from "./whip";

export type LivePhase = "idle" | "creating" | "connecting" | "live" | "stopping" | "stopped" | "failed";

export interface LiveError {
  step: string;
  error: unknown;
}

export interface LiveSession {
  phase: LivePhase;
  connection: RTCPeerConnectionState | "idle";
  channel: "open" | "closed";
  state: LiveState;
  /** Coaches' notes heard during this session, newest first. */
  notes: NoteMessage[];
  session: SessionOut | null;
  /** performance.now() when the media connection came up. */
  startedAt: number | null;
  error: LiveError | null;
  clearError: () => void;
  start: (stream: MediaStream, title: string) => Promise<void>;
  /** Ends the session (DELETE the WHIP resource unless the server ended it); resolves to its id. */
  stop: (notify?: boolean) => Promise<string | null>;
}

const TICK_MS = 500;

export function useLiveSession(): LiveSession {
  const [state, dispatch] = useReducer(liveReducer, INITIAL_LIVE);
  const [phase, setPhase] = useState<LivePhase>("idle");
  const [connection, setConnection] = useState<RTCPeerConnectionState | "idle">("idle");
  const [channel, setChannel] = useState<"open" | "closed">("closed");
  const [session, setSession] = useState<SessionOut | null>(null);
  const [notes, setNotes] = useState<NoteMessage[]>([]);
  const [startedAt, setStartedAt] = useState<number | null>(null);
  const [error, setError] = useState<LiveError | null>(null);
  const publisher = useRef<WhipPublisher | null>(null);
  const sessionId = useRef<string | null>(null);

  const stopping = useRef<Promise<string | null> | null>(null);

  // A second call while one is under way (the server's "ended" message arrives while our DELETE is in flight)
  // waits for the same stop, so nobody moves on before the server has ended the session.
  const stop = useCallback((notify = true): Promise<string | null> => {
    if (stopping.current) return stopping.current;
    const current = publisher.current;
    publisher.current = null;
    if (!current) return Promise.resolve(sessionId.current);
    setPhase("stopping");
    const done = (async () => {
      try {
        await current.stop({ notify });
        setPhase("stopped");
      } catch (err) {
        setError({ step: "Stopping the session", error: err });
        setPhase("failed");
      } finally {
        stopping.current = null;
      }
      return sessionId.current;
    })();
    stopping.current = done;
    return done;
  }, []);

  const start = useCallback(
    async (stream: MediaStream, title: string) => {
      if (publisher.current) return;
      setError(null);
      setStartedAt(null);
      dispatch({ kind: "reset" });
      setNotes([]);
      setPhase("creating");
      let created: SessionOut;
      try {
        created = await createSession(title);
      } catch (err) {
        setError({ step: "Creating the session", error: err });
        setPhase("failed");
        return;
      }
      setSession(created);
      sessionId.current = created.id;
      setPhase("connecting");
      const whip = new WhipPublisher(created.whip_url, {
        onConnectionState: (next) => {
          if (publisher.current !== whip && next !== "closed") return;
          setConnection(next);
          if (next === "connected") {
            setPhase("live");
            setStartedAt((t) => t ?? performance.now());
          } else if (next === "failed") {
            setError({ step: "The media connection", error: new Error("The connection to the server was lost.") });
            void stop(true).then(() => setPhase("failed"));
          }
        },
        onChannelState: setChannel,
        onMessage: (message) => dispatch({ kind: "message", message, now: performance.now() }),
        onNote: (note) => {
          if (publisher.current === whip) setNotes((heard) => addLiveNote(heard, note));
        },
      });
      publisher.current = whip;
      try {
        await whip.publish(stream);
      } catch (err) {
        setError({ step: "Connecting to the server", error: err });
        await stop(true).catch(() => undefined);
        setPhase("failed");
      }
    },
    [stop],
  );

  useEffect(() => {
    if (phase !== "live" && phase !== "connecting") return;
    const timer = setInterval(() => dispatch({ kind: "tick", now: performance.now() }), TICK_MS);
    return () => clearInterval(timer);
  }, [phase]);

  useEffect(() => {
    const leave = () => void publisher.current?.stop({ keepalive: true }).catch(() => undefined);
    window.addEventListener("pagehide", leave);
    return () => {
      window.removeEventListener("pagehide", leave);
      leave();
    };
  }, []);

  const clearError = useCallback(() => setError(null), []);
  return { phase, connection, channel, state, notes, session, startedAt, error, clearError, start, stop };
}
