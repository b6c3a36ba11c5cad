// Watch a shared live session as a coach: the speaker's video over WHEP, the live feedback, and timed notes.
import { Link, useParams } from "react-router";
import { ApiError } from "../../api/client";
import { useCreateNote, useNotes } from "../../api/coaching";
import { useSession } from "../../api/sessions";
import type { SessionOut } from "../../api/types";
import { mergeNotes, NotesList } from "../../components/notes/NotesList";
import { ErrorBanner } from "../../components/ui/ErrorBanner";
import { PageHeader } from "../../components/ui/PageHeader";
import { Spinner } from "../../components/ui/Spinner";
import { Captions } from "../../live/Captions";
import { FillerCounter } from "../../live/FillerCounter";
import { Gauge } from "../../live/Gauge";
import { PACE_GAUGE, PAUSE_GAUGE, VARIETY_GAUGE, VOLUME_GAUGE } from "../../live/gauges";
import { NudgeBanner } from "../../live/NudgeBanner";
import { NoteBox } from "./NoteBox";
import { RemoteView } from "./RemoteView";
import { useWatch, type WatchPhase } from "./useWatch";
import "../../live/live.css";
import "./watch.css";

const PHASE_TEXT: Record<WatchPhase, string> = {
  idle: "Ready",
  connecting: "Connecting…",
  live: "Live",
  ended: "Ended",
  failed: "Not connected",
};

const VIEW_ONLY = "This session is shared with you view-only: ask the speaker for comment permission to write notes.";

function NotFound() {
  return (
    <div className="page-narrow" data-watch="not-found">
      <h1>Session not found</h1>
      <p>
        This session doesn't exist or isn't shared with you. Sessions shared with you are listed in{" "}
        <Link to="/sessions">Sessions</Link>.
      </p>
    </div>
  );
}

function NotLive({ session }: { session: SessionOut }) {
  const ended = session.state !== "created";
  return (
    <div className="page-narrow" data-watch="not-live">
      <h1>{session.title || "Untitled talk"}</h1>
      <p role="status">
        {ended ? "This session is not live any more. " : "The speaker hasn't started yet; this page connects when they do. "}
        <Link to={`/sessions/${session.id}`}>{ended ? "Open its review" : "Open the session"}</Link>.
      </p>
    </div>
  );
}

function LiveWatch({ session }: { session: SessionOut }) {
  const watch = useWatch(session.whep_url || null);
  const notes = useNotes(session.id);
  const create = useCreateNote(session.id);
  const { state } = watch;
  const listed = mergeNotes(notes.data?.items ?? [], watch.liveNotes);
  const notFound = watch.error instanceof ApiError && watch.error.status === 404;
  const notLive = watch.error instanceof ApiError && watch.error.status === 409;
  if (notFound) return <NotFound />;

  return (
    <div className="watch" data-phase={watch.phase} data-messages={state.messageCount} data-notes={listed.length}>
      <PageHeader title={`Watching: ${session.title || "Untitled talk"}`}>
        {session.owner_email ? `${session.owner_email} is practising.` : "Live feedback as the speaker sees it."}
      </PageHeader>
      {notLive && (
        <p role="status">
          This session is not live any more. <Link to={`/sessions/${session.id}`}>Open its review</Link>.
        </p>
      )}
      {watch.error !== null && !notLive && <ErrorBanner title="Watching" error={watch.error} />}
      {watch.phase === "ended" && (
        <p role="status">
          The session has ended. <Link to={`/sessions/${session.id}`}>Open its review</Link>.
        </p>
      )}
      <div className="watch-stage">
        <div className="watch-video">
          <RemoteView stream={watch.stream} pose={state.pose}>
            <div className="self-view-top">
              <span className={`live-pill live-${watch.phase === "live" ? "live" : "idle"}`}>
                <output id="watch-state" data-state={watch.phase} aria-label="Connection">
                  {PHASE_TEXT[watch.phase]}
                </output>
              </span>
            </div>
            <NudgeBanner nudge={state.nudges.current} />
          </RemoteView>
          <Captions captions={state.captions} />
          <section className="watch-gauges" aria-label="Live feedback">
            <Gauge id="gauge-pace" spec={PACE_GAUGE} value={state.wpm} note="over the last 30 s" />
            <Gauge id="gauge-volume" spec={VOLUME_GAUGE} value={state.voice?.loudness_dbfs ?? null} />
            <Gauge id="gauge-variety" spec={VARIETY_GAUGE} value={state.voice?.pitch_variety_st ?? null} />
            <Gauge id="gauge-pause" spec={PAUSE_GAUGE} value={state.voice ? (state.voice.pause_s ?? 0) : null} />
            <FillerCounter count={state.fillerCount} minutes={state.mediaTime / 60} last={state.lastFiller} />
          </section>
        </div>
        <aside className="watch-notes card" aria-label="Notes">
          <NoteBox
            now={watch.now}
            busy={create.isPending}
            disabledReason={session.access === "view" ? VIEW_ONLY : null}
            onNote={(note) => create.mutate(note)}
          />
          {create.error && <ErrorBanner title="Sending the note" error={create.error} onDismiss={() => create.reset()} />}
          <h2 className="card-title watch-notes-title">Notes so far</h2>
          <NotesList notes={listed} label="Notes so far" />
        </aside>
      </div>
    </div>
  );
}

export function WatchPage() {
  const { id = "" } = useParams();
  const session = useSession(id);
  if (session.isPending) return <Spinner label="Loading the session…" />;
  if (session.error) {
    if (session.error instanceof ApiError && session.error.status === 404) return <NotFound />;
    return <ErrorBanner title="Loading the session" error={session.error} onRetry={() => void session.refetch()} />;
  }
  if (session.data.state !== "live") return <NotLive session={session.data} />;
  return <LiveWatch session={session.data} />;
}
