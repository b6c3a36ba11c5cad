import { useEffect } from "react";
import { Link } from "react-router";
import { useQueryClient } from "@tanstack/react-query";
import { ApiError } from "../../api/client";
import { jobPending, SESSIONS_KEY, useAnalysis, useRerunAnalysis } from "../../api/sessions";
import type { AnalysisJobOut, SessionOut } from "../../api/types";
import { Button } from "../../components/ui/Button";
import { Card } from "../../components/ui/Card";
import { ErrorBanner } from "../../components/ui/ErrorBanner";

const STAGES: Readonly<Record<string, string>> = {
  queued: "Waiting for a free analysis worker",
  retrying: "Retrying after a hiccup",
  probe: "Opening the recording",
  decode_audio: "Reading the audio",
  voice: "Measuring your voice",
  transcribe: "Transcribing your words",
  acoustic_fillers: "Listening for fillers",
  body: "Watching your body language",
};

function stageText(job: AnalysisJobOut): string {
  if (job.state === "queued") return STAGES.queued ?? "Queued";
  return STAGES[job.stage] ?? (job.stage ? job.stage.replace(/_/g, " ") : "Starting");
}

function ProgressBar({ value, label }: { value: number; label: string }) {
  const pct = Math.round(Math.max(0, Math.min(1, value)) * 100);
  return (
    <div className="analysis-progress">
      <div
        className="progress"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
      >
        <div className="progress__fill" style={{ width: `${pct}%` }} />
      </div>
      <span className="analysis-progress__pct">{pct} %</span>
    </div>
  );
}

function Rerun({ id, label }: { id: string; label: string }) {
  const rerun = useRerunAnalysis(id);
  return (
    <>
      {rerun.error ? <ErrorBanner error={rerun.error} title="Starting the analysis" /> : null}
      <Button onClick={() => rerun.mutate()} busy={rerun.isPending}>
        {label}
      </Button>
    </>
  );
}

/** A session on its way to a report: live, waiting, analysing (with progress) or failed (with a re-run). */
export function AnalysisPanel({ session }: { session: SessionOut }) {
  const recorded = !["created", "live"].includes(session.state);
  const analysis = useAnalysis(session.id, recorded);
  const client = useQueryClient();
  const job = analysis.data;
  const finished = job?.state === "succeeded";

  useEffect(() => {
    if (finished) void client.invalidateQueries({ queryKey: [...SESSIONS_KEY, "one", session.id] });
  }, [finished, client, session.id]);

  if (!recorded) {
    return (
      <Card title={session.state === "live" ? "This session is live" : "Not recorded yet"}>
        <p>The report appears here once the session has been recorded and analysed.</p>
        <Link to="/practice">Go to practice</Link>
      </Card>
    );
  }
  const failed = session.state === "failed" || job?.state === "failed";
  if (failed) {
    return (
      <Card title="The analysis failed" className="analysis-card">
        <p role="alert">{job?.error ?? session.failure_reason ?? "The analysis stopped without a reason."}</p>
        <Rerun id={session.id} label="Run the analysis again" />
      </Card>
    );
  }
  const notFound = analysis.error instanceof ApiError && analysis.error.status === 404;
  if (analysis.error && !notFound) return <ErrorBanner error={analysis.error} title="Reading the analysis" onRetry={() => void analysis.refetch()} />;
  if (notFound) {
    return (
      <Card title="Not analysed yet" className="analysis-card">
        <p>This recording has not been analysed.</p>
        <Rerun id={session.id} label="Analyse it now" />
      </Card>
    );
  }
  return (
    <Card title={finished ? "Analysis finished" : "Analysing your talk"} className="analysis-card">
      <p aria-live="polite">{job ? (finished ? "Loading the report…" : stageText(job)) : "Checking the analysis…"}</p>
      <ProgressBar value={job?.progress ?? 0} label="Analysis progress" />
      {job && jobPending(job) ? (
        <p className="muted">This takes about a fifth of the recording's length. You can leave this page and come back.</p>
      ) : null}
    </Card>
  );
}
