import { useEffect, useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router";
import { isConsentRequired, useConsent } from "../../auth/consent";
import { ConsentPrompt } from "../../components/consent/ConsentPrompt";
import { Button } from "../../components/ui/Button";
import { ErrorBanner } from "../../components/ui/ErrorBanner";
import { Field } from "../../components/ui/Field";
import { PageHeader } from "../../components/ui/PageHeader";
import { Select } from "../../components/ui/Select";
import { Captions } from "../../live/Captions";
import { CoachNotes } from "../../live/CoachNotes";
import { currentCue } from "../../live/cues";
import type { MediaChoice } from "../../live/devices";
import { FillerCounter } from "../../live/FillerCounter";
import { Gauge } from "../../live/Gauge";
import { PACE_GAUGE, PAUSE_GAUGE, VARIETY_GAUGE, VOLUME_GAUGE } from "../../live/gauges";
import { NudgeBanner } from "../../live/NudgeBanner";
import { SelfView } from "../../live/SelfView";
import { SparseCue } from "../../live/SparseCue";
import { Timer } from "../../live/Timer";
import { useLiveNotesSwitch } from "../../live/useLiveNotesSwitch";
import { useLiveSession, type LivePhase } from "../../live/useLiveSession";
import { useMediaPreview } from "../../live/useMediaPreview";
import "../../live/live.css";
import "./practice.css";

const PHASE_TEXT: Record<LivePhase, string> = {
  idle: "Ready",
  creating: "Creating the session…",
  connecting: "Connecting…",
  live: "Live",
  stopping: "Stopping…",
  stopped: "Stopped",
  failed: "Not connected",
};

const BUSY: LivePhase[] = ["creating", "connecting", "live", "stopping"];

function usePreference(key: string, initial: boolean): [boolean, (value: boolean) => void] {
  const [value, setValue] = useState(() => {
    const stored = window.localStorage.getItem(key);
    return stored === null ? initial : stored === "true";
  });
  const update = (next: boolean) => {
    setValue(next);
    window.localStorage.setItem(key, String(next));
  };
  return [value, update];
}

export function PracticePage() {
  const navigate = useNavigate();
  const [title, setTitle] = useState("");
  const [choice, setChoice] = useState<MediaChoice>({ cameraId: "", microphoneId: "", rawAudio: true });
  const [sparse, setSparse] = usePreference("podium.sparse", false);
  const [liveNotes, setLiveNotes] = usePreference("podium.liveNotes", true);
  const media = useMediaPreview(choice);
  const live = useLiveSession();
  const busy = BUSY.includes(live.phase);
  const liveNotesError = useLiveNotesSwitch(live.session, liveNotes, busy);
  const showNotes = liveNotes && (busy || live.notes.length > 0);
  const { state, stop: stopLive } = live;
  const consent = useConsent();
  const refused = live.error !== null && isConsentRequired(live.error.error);
  const needsConsent = consent.state === "missing" || refused;
  const { recheck } = consent;

  useEffect(() => {
    if (refused) recheck();
  }, [refused, recheck]);

  useEffect(() => {
    if (state.endedReason === null) return;
    void stopLive(false).then((id) => id && navigate(`/sessions/${id}`));
  }, [state.endedReason, stopLive, navigate]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (media.stream && !busy && !needsConsent) void live.start(media.stream, title.trim() || "Practice talk");
  };

  const stop = async () => {
    const id = await stopLive(true);
    if (id) void navigate(`/sessions/${id}`);
  };

  const minutes = state.mediaTime / 60;
  const pauses = state.pauseStarts.length;
  const cameras = [{ value: "", label: "System default" }, ...media.devices.cameras.map(toOption)];
  const microphones = [{ value: "", label: "System default" }, ...media.devices.microphones.map(toOption)];

  return (
    <div
      className={`practice${sparse ? " practice-sparse" : ""}`}
      data-phase={live.phase}
      data-messages={state.messageCount}
      data-speaking={state.voice?.speaking ? "yes" : "no"}
    >
      <PageHeader title="Practice">Rehearse your talk with live feedback on pace, voice and body language.</PageHeader>

      {media.error && <ErrorBanner title="Camera and microphone" error={media.error} onRetry={media.retry} />}
      {needsConsent && !busy && <ConsentPrompt action="practise" onAgreed={live.clearError} />}
      {live.error && !refused && <ErrorBanner title={live.error.step} error={live.error.error} onDismiss={live.clearError} />}
      {liveNotesError ? <ErrorBanner title="Switching coaches' live notes" error={liveNotesError} /> : null}
      {live.phase === "failed" && live.session && live.startedAt !== null && (
        <p className="practice-saved">
          What was recorded so far is saved: <Link to={`/sessions/${live.session.id}`}>open the session</Link>.
        </p>
      )}

      <form className="practice-controls card" onSubmit={submit} aria-label="Session settings">
        <Field
          id="title"
          label="Talk title"
          value={title}
          maxLength={200}
          placeholder="Practice talk"
          onChange={(e) => setTitle(e.target.value)}
          disabled={busy}
        />
        <Select
          id="camera"
          label="Camera"
          options={cameras}
          value={choice.cameraId}
          onChange={(e) => setChoice({ ...choice, cameraId: e.target.value })}
          disabled={busy}
        />
        <Select
          id="microphone"
          label="Microphone"
          options={microphones}
          value={choice.microphoneId}
          onChange={(e) => setChoice({ ...choice, microphoneId: e.target.value })}
          disabled={busy}
        />
        <div className="practice-options">
          <label className="check">
            <input
              id="raw-audio"
              type="checkbox"
              checked={choice.rawAudio}
              onChange={(e) => setChoice({ ...choice, rawAudio: e.target.checked })}
              disabled={busy}
            />
            Raw microphone audio
          </label>
          <label className="check">
            <input id="sparse" type="checkbox" checked={sparse} onChange={(e) => setSparse(e.target.checked)} />
            Sparse mode (one-word cues)
          </label>
          <label className="check">
            <input id="live-notes" type="checkbox" checked={liveNotes} onChange={(e) => setLiveNotes(e.target.checked)} />
            Coaches' notes while I speak
          </label>
        </div>
        <div className="practice-actions">
          {busy ? (
            <Button id="stop" variant="danger" className="btn-lg" onClick={() => void stop()} busy={live.phase === "stopping"}>
              Stop
            </Button>
          ) : (
            <Button id="start" type="submit" className="btn-lg" disabled={!media.stream || needsConsent}>
              Start
            </Button>
          )}
        </div>
      </form>

      <div className="practice-stage">
        <div className="practice-video">
          <SelfView stream={media.stream} pose={state.pose}>
            <div className="self-view-top">
              <span className={`live-pill live-${live.phase}`}>
                <output id="conn-state" data-state={live.connection} aria-label="Connection">
                  {PHASE_TEXT[live.phase]}
                </output>
              </span>
              <Timer startedAt={live.startedAt} running={live.phase === "live"} />
            </div>
            {!sparse && <NudgeBanner nudge={state.nudges.current} />}
            {sparse && <SparseCue cue={currentCue(state)} />}
          </SelfView>
          <p className="practice-status muted">
            Feedback channel:{" "}
            <output id="channel-state" data-state={live.channel}>
              {live.channel}
            </output>
            {state.pose && !state.pose.person_visible && " · We can't see you: step into the frame."}
          </p>
          {!sparse && <Captions captions={state.captions} />}
          {sparse && showNotes && <CoachNotes notes={live.notes} />}
        </div>

        {!sparse && (
          <aside className="practice-gauges" aria-label="Live feedback">
            {showNotes && <CoachNotes notes={live.notes} />}
            <Gauge id="gauge-pace" spec={PACE_GAUGE} value={state.wpm} note="over the last 30 s" />
            <Gauge id="gauge-volume" spec={VOLUME_GAUGE} value={state.voice?.loudness_dbfs ?? null} />
            <Gauge id="gauge-variety" spec={VARIETY_GAUGE} value={state.voice?.pitch_variety_st ?? null} />
            <Gauge
              id="gauge-pause"
              spec={PAUSE_GAUGE}
              value={state.voice ? (state.voice.pause_s ?? 0) : null}
              note={`${pauses} pause${pauses === 1 ? "" : "s"} so far`}
            />
            <FillerCounter count={state.fillerCount} minutes={minutes} last={state.lastFiller} />
          </aside>
        )}
      </div>
    </div>
  );
}

function toOption(device: { deviceId: string; label: string }) {
  return { value: device.deviceId, label: device.label };
}
