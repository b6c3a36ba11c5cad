// Shares: give a coach access to one session or all of mine, change or revoke it; the shares given to me.
import { Link } from "react-router";
import {
  useCreateShare,
  useRevokeShare,
  useShares,
  useUpdateShare,
  type ShareOut,
  type SharePermission,
} from "../../api/coaching";
import { useSessions } from "../../api/sessions";
import { Button } from "../../components/ui/Button";
import { Card } from "../../components/ui/Card";
import { EmptyState } from "../../components/ui/EmptyState";
import { ErrorBanner } from "../../components/ui/ErrorBanner";
import { PageHeader } from "../../components/ui/PageHeader";
import { Spinner } from "../../components/ui/Spinner";
import { ShareForm } from "./ShareForm";
import "./shares.css";

const MY_SESSIONS = { states: [], from: "", to: "", limit: 100, offset: 0 } as const;

function scopeText(share: ShareOut, titles: ReadonlyMap<string, string>) {
  if (share.session_id === null) return "All sessions";
  return titles.get(share.session_id) ?? `Session ${share.session_id.slice(0, 8)}`;
}

function GivenRow({ share, titles }: { share: ShareOut; titles: ReadonlyMap<string, string> }) {
  const update = useUpdateShare();
  const revoke = useRevokeShare();
  return (
    <li className="share-row" data-share={share.id}>
      <span className="share-coach">{share.coach_email}</span>
      <span className="share-scope">{scopeText(share, titles)}</span>
      <label className="share-permission">
        <span className="visually-hidden">Permission for {share.coach_email}</span>
        <select
          value={share.permission}
          disabled={update.isPending}
          onChange={(e) => update.mutate({ id: share.id, permission: e.target.value as SharePermission })}
        >
          <option value="view">View</option>
          <option value="comment">Comment</option>
        </select>
      </label>
      <Button variant="danger" busy={revoke.isPending} onClick={() => revoke.mutate(share.id)}>
        Revoke
      </Button>
      {(update.error ?? revoke.error) && <ErrorBanner error={update.error ?? revoke.error} />}
    </li>
  );
}

function ReceivedRow({ share }: { share: ShareOut }) {
  return (
    <li className="share-row" data-share={share.id}>
      <span className="share-coach">{share.owner_email}</span>
      <span className="share-scope">
        {share.session_id === null ? (
          "All their sessions"
        ) : (
          <Link to={`/sessions/${share.session_id}`}>One session</Link>
        )}
      </span>
      <span className="share-badge">{share.permission === "comment" ? "Comment" : "View"}</span>
    </li>
  );
}

export function SharesPage() {
  const shares = useShares();
  const sessions = useSessions(MY_SESSIONS);
  const create = useCreateShare();
  const mine = (sessions.data?.items ?? []).filter((s) => s.access === "owner");
  const titles = new Map(mine.map((s) => [s.id, s.title || "Untitled talk"]));
  const options = mine.map((s) => ({ value: s.id, label: `${s.title || "Untitled talk"} (${s.state})` }));

  return (
    <div className="shares-page">
      <PageHeader title="Shares">Let a coach watch you live, read your reports and leave timed notes.</PageHeader>
      <Card title="Share with a coach">
        <ShareForm sessions={options} busy={create.isPending} onShare={(share) => create.mutate(share)} />
        {create.error && <ErrorBanner title="Sharing" error={create.error} onDismiss={() => create.reset()} />}
        {create.isSuccess && <p role="status">Shared with {create.data.coach_email}.</p>}
      </Card>
      {shares.isPending && <Spinner label="Loading shares…" />}
      {shares.error && <ErrorBanner title="Loading shares" error={shares.error} onRetry={() => void shares.refetch()} />}
      {shares.data && (
        <>
          <Card title="Shared by me">
            {shares.data.given.length === 0 ? (
              <EmptyState title="Nothing shared yet">Share a session above.</EmptyState>
            ) : (
              <ul className="share-list" aria-label="Shared by me">
                {shares.data.given.map((share) => (
                  <GivenRow key={share.id} share={share} titles={titles} />
                ))}
              </ul>
            )}
          </Card>
          <Card title="Shared with me">
            {shares.data.received.length === 0 ? (
              <EmptyState title="No one has shared with you">Speakers who share with you appear here.</EmptyState>
            ) : (
              <ul className="share-list" aria-label="Shared with me">
                {shares.data.received.map((share) => (
                  <ReceivedRow key={share.id} share={share} />
                ))}
              </ul>
            )}
            <p className="muted">
              Their live sessions have a Watch link in <Link to="/sessions">Sessions</Link>.
            </p>
          </Card>
        </>
      )}
    </div>
  );
}
