// Keeps the server's `live_notes` of the current session equal to the speaker's choice (PATCH when they differ).
import { useEffect, useState } from "react";
import { setLiveNotes } from "../api/coaching";
import type { SessionOut } from "../api/types";

interface Applied {
  id: string;
  value: boolean;
}

/** The value the server holds for `session` given what this page last applied (the session's own value first). */
export function serverValue(session: SessionOut, applied: Applied | null): boolean {
  return applied?.id === session.id ? applied.value : session.live_notes;
}

/** While `active`, PATCHes the session's live_notes whenever it differs from `wanted`; returns the last error. */
export function useLiveNotesSwitch(session: SessionOut | null, wanted: boolean, active: boolean): unknown {
  const [applied, setApplied] = useState<Applied | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!session || !active || serverValue(session, applied) === wanted) return;
    let current = true;
    setLiveNotes(session.id, wanted).then(
      (out) => {
        if (!current) return;
        setError(null);
        setApplied({ id: session.id, value: out.live_notes });
      },
      (err: unknown) => current && setError(err),
    );
    return () => {
      current = false;
    };
  }, [session, wanted, active, applied]);
  return error;
}
