import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { useDeleteSession, useSessions } from "../../api/sessions";
import type { SessionOut, SessionState } from "../../api/types";
import { formatDateTime, formatDuration, secondsBetween } from "../../components/transcript/clock";
import { Button } from "../../components/ui/Button";
import { Card } from "../../components/ui/Card";
import { EmptyState } from "../../components/ui/EmptyState";
import { ErrorBanner } from "../../components/ui/ErrorBanner";
import { Field } from "../../components/ui/Field";
import { PageHeader } from "../../components/ui/PageHeader";
import { Select } from "../../components/ui/Select";
import { Spinner } from "../../components/ui/Spinner";
import { scoreBand } from "../review/dimensions";
import { pageOf, paramsFor, queryFromParams, STATE_LABELS } from "./sessionQuery";
import "./sessions.css";

const STATE_OPTIONS = [
  { value: "", label: "All states" },
  ...(Object.entries(STATE_LABELS) as [SessionState, string][]).map(([value, label]) => ({ value, label })),
];

export function StateBadge({ state }: { state: SessionState }) {
  return <span className={`state-badge state-badge--${state}`}>{STATE_LABELS[state]}</span>;
}

const ACCESS_LABELS: Record<SessionOut["access"], string> = {
  owner: "yours",
  admin: "admin access",
  comment: "you can comment",
  view: "view only",
};

function Score({ value }: { value: number | null }) {
  if (value === null) return <span className="muted">—</span>;
  return <span className={`score-pill score-pill--${scoreBand(value)}`}>{Math.round(value)}</span>;
}

function DeleteControl({ session }: { session: SessionOut }) {
  const [confirming, setConfirming] = useState(false);
  const remove = useDeleteSession();
  const name = session.title || "Untitled session";
  if (!confirming) {
    return (
      <Button variant="ghost" onClick={() => setConfirming(true)} aria-label={`Delete “${name}”`}>
        Delete
      </Button>
    );
  }
  return (
    <div className="delete-confirm" role="group" aria-label={`Delete “${name}”?`}>
      <span>Delete it and its recording?</span>
      <Button variant="danger" busy={remove.isPending} onClick={() => remove.mutate(session.id)} autoFocus>
        Delete
      </Button>
      <Button variant="secondary" onClick={() => setConfirming(false)} disabled={remove.isPending}>
        Cancel
      </Button>
      {remove.error ? <ErrorBanner error={remove.error} title="Deleting" /> : null}
    </div>
  );
}

function SessionRow({ session }: { session: SessionOut }) {
  // The recording's length when there is one (uploads have no start and end times), else the live session's span.
  const duration = session.duration_s ?? secondsBetween(session.started_at, session.ended_at);
  return (
    <tr>
      <td data-label="Title">
        <Link to={`/sessions/${session.id}`} className="session-title">
          {session.title || "Untitled session"}
        </Link>
        <span className="session-source">
          {session.source === "upload" ? "Upload" : "Live"}
        </span>
        {session.access !== "owner" && session.owner_email ? (
          <span className="session-owner" data-owner={session.owner_email}>
            Shared by {session.owner_email} · {ACCESS_LABELS[session.access]}
          </span>
        ) : null}
      </td>
      <td data-label="State">
        <StateBadge state={session.state} />
      </td>
      <td data-label="Date">{formatDateTime(session.started_at ?? session.created_at)}</td>
      <td data-label="Duration">{formatDuration(duration)}</td>
      <td data-label="Score">
        <Score value={session.overall_score} />
      </td>
      <td className="session-actions">
        {session.state === "live" ? (
          <Link className="btn btn-secondary" to={`/watch/${session.id}`} aria-label={`Watch “${session.title || "Untitled session"}” live`}>
            Watch
          </Link>
        ) : null}
        {session.access === "owner" ? <DeleteControl session={session} /> : null}
      </td>
    </tr>
  );
}

/** `/sessions`: the user's sessions, newest first, with filters, paging and delete. */
export function SessionsPage() {
  const [params, setParams] = useSearchParams();
  const query = queryFromParams(params);
  const sessions = useSessions(query);
  const page = pageOf(query);
  const items = sessions.data?.items ?? [];
  const filtered = query.states.length > 0 || query.from !== "" || query.to !== "";
  const change = (key: string, value: string) => setParams(paramsFor(params, { [key]: value }));
  return (
    <div className="sessions-page">
      <PageHeader
        title="Sessions"
        actions={
          <>
            <Link className="btn btn-primary" to="/practice">
              New practice
            </Link>
            <Link className="btn btn-secondary" to="/upload">
              Upload a recording
            </Link>
          </>
        }
      >
        Every rehearsal you recorded or uploaded, and the ones speakers shared with you, newest first.
      </PageHeader>
      <Card>
        <form className="session-filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter sessions">
          <Select
            label="State"
            options={STATE_OPTIONS}
            value={query.states[0] ?? ""}
            onChange={(e) => change("state", e.target.value)}
          />
          <Field label="From" type="date" value={query.from} max={query.to || undefined} onChange={(e) => change("from", e.target.value)} />
          <Field label="To" type="date" value={query.to} min={query.from || undefined} onChange={(e) => change("to", e.target.value)} />
          {filtered ? (
            <Button variant="ghost" onClick={() => setParams(new URLSearchParams())}>
              Clear filters
            </Button>
          ) : null}
        </form>
        {sessions.error ? (
          <ErrorBanner error={sessions.error} title="Loading your sessions" onRetry={() => void sessions.refetch()} />
        ) : sessions.isPending ? (
          <Spinner label="Loading your sessions…" />
        ) : items.length === 0 ? (
          <EmptyState title={filtered || page > 1 ? "No sessions match" : "No sessions yet"}>
            <p>
              {filtered || page > 1 ? (
                "Try other filters."
              ) : (
                <>
                  <Link to="/practice">Start a practice session</Link> or <Link to="/upload">upload a recording</Link>.
                </>
              )}
            </p>
          </EmptyState>
        ) : (
          <table className="sessions-table" aria-busy={sessions.isFetching || undefined}>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">State</th>
                <th scope="col">Date</th>
                <th scope="col">Duration</th>
                <th scope="col">Score</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((s) => (
                <SessionRow key={s.id} session={s} />
              ))}
            </tbody>
          </table>
        )}
        <nav className="pager" aria-label="Pages">
          <Button variant="secondary" disabled={page <= 1} onClick={() => change("page", String(page - 1))}>
            Previous
          </Button>
          <span className="pager__page">Page {page}</span>
          <Button
            variant="secondary"
            disabled={items.length < query.limit}
            onClick={() => change("page", String(page + 1))}
          >
            Next
          </Button>
        </nav>
      </Card>
    </div>
  );
}
