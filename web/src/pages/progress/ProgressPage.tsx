import { useMemo, useState } from "react";
import { Link } from "react-router";
import { historyValue, useGoals, useProgress, type Comparison, type Progress } from "../../api/progress";
import { TrendChart, type TrendPoint } from "../../components/charts/TrendChart";
import { formatDate } from "../../components/transcript/clock";
import { Card } from "../../components/ui/Card";
import { EmptyState } from "../../components/ui/EmptyState";
import { ErrorBanner } from "../../components/ui/ErrorBanner";
import { PageHeader } from "../../components/ui/PageHeader";
import { Select } from "../../components/ui/Select";
import { Spinner } from "../../components/ui/Spinner";
import { GoalsCard } from "./GoalsCard";
import { formatMetric, metricLabel, orderMetrics } from "./metrics";
import "./progress.css";

const DIRECTION_WORDS = {
  improving: "improving",
  declining: "slipping",
  steady: "steady",
  changing: "changing",
} as const;

function TrendCard({ progress }: { progress: Progress }) {
  const available = useMemo(() => orderMetrics(Object.keys(progress.trends)), [progress.trends]);
  const [picked, setPicked] = useState("overall");
  const metric = available.includes(picked) ? picked : (available[0] ?? "overall");
  const points: TrendPoint[] = useMemo(
    () =>
      progress.history.map((entry, i) => ({
        n: i + 1,
        value: historyValue(entry, metric),
        label: formatDate(entry.at),
      })),
    [progress.history, metric],
  );
  const trend = progress.trends[metric];
  const goal = progress.goals.find((g) => g.metric === metric);
  return (
    <Card title="Trend" className="trend-card">
      <div className="trend-card__controls">
        <Select
          label="Metric"
          options={available.map((m) => ({ value: m, label: metricLabel(m) }))}
          value={metric}
          onChange={(e) => setPicked(e.target.value)}
        />
        {trend ? (
          <p className="trend-card__summary">
            <span className={`trend trend--${trend.direction}`}>{DIRECTION_WORDS[trend.direction]}</span> over the last{" "}
            {trend.sessions} session{trend.sessions === 1 ? "" : "s"} (average {formatMetric(metric, trend.mean)}, latest{" "}
            {formatMetric(metric, trend.latest)})
          </p>
        ) : null}
      </div>
      <TrendChart points={points} name={metricLabel(metric)} format={(v) => formatMetric(metric, v)} target={goal?.target ?? null} />
    </Card>
  );
}

function deltaText(metric: string, c: Comparison): string {
  const sign = c.delta > 0 ? "+" : c.delta < 0 ? "−" : "±";
  return `${sign}${formatMetric(metric, Math.abs(c.delta))}`;
}

function LatestCard({ progress }: { progress: Progress }) {
  const rows = orderMetrics(Object.keys(progress.latest_vs_previous));
  return (
    <Card title="Latest vs your average">
      {rows.length === 0 ? (
        <p className="muted">After your second analysed session, this compares the latest one with the ones before.</p>
      ) : (
        <table className="compare-table">
          <thead>
            <tr>
              <th scope="col">Metric</th>
              <th scope="col">Latest</th>
              <th scope="col">Your average</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((metric) => {
              const c = progress.latest_vs_previous[metric] as Comparison;
              const tone = c.better === null ? "neutral" : c.better ? "better" : "worse";
              return (
                <tr key={metric}>
                  <th scope="row">{metricLabel(metric)}</th>
                  <td>{formatMetric(metric, c.value)}</td>
                  <td>
                    {formatMetric(metric, c.previous_mean)}
                    <span className="muted"> ({c.previous_sessions})</span>
                  </td>
                  <td className={`delta delta--${tone}`}>
                    {deltaText(metric, c)}
                    {c.better === null ? "" : c.better ? " better" : " worse"}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Card>
  );
}

function BestsCard({ progress }: { progress: Progress }) {
  const names = orderMetrics(Object.keys(progress.personal_bests));
  return (
    <Card title="Personal bests">
      {names.length === 0 ? (
        <p className="muted">Nothing yet.</p>
      ) : (
        <ul className="bests">
          {names.map((metric) => {
            const best = progress.personal_bests[metric];
            if (!best) return null;
            return (
              <li key={metric}>
                <span>{metricLabel(metric)}</span>
                <strong>{formatMetric(metric, best.value)}</strong>
                <Link to={`/sessions/${best.session_id}`}>{formatDate(best.at)}</Link>
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}

function MilestonesCard({ progress }: { progress: Progress }) {
  const items = [...progress.milestones].reverse();
  return (
    <Card title="Milestones">
      {items.length === 0 ? (
        <p className="muted">Your first analysed session will be the first milestone.</p>
      ) : (
        <ol className="milestones">
          {items.map((m, i) => (
            <li key={`${m.at}-${i}`} className={`milestone milestone--${m.kind}`}>
              <span className="milestone__text">{m.text}</span>
              <Link className="milestone__date" to={`/sessions/${m.session_id}`}>
                {formatDate(m.at)}
              </Link>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}

/** `/progress`: trends across sessions, personal bests, goals, milestones and the latest session against the rest. */
export function ProgressPage() {
  const progress = useProgress();
  const goals = useGoals();
  if (progress.isPending) return <Spinner label="Loading your progress…" />;
  if (progress.error) {
    return <ErrorBanner error={progress.error} title="Loading your progress" onRetry={() => void progress.refetch()} />;
  }
  const data = progress.data;
  return (
    <div className="progress-page">
      <PageHeader title="Progress">
        {data.sessions === 0
          ? "Your progress appears here once a session has been analysed."
          : `${data.sessions} analysed session${data.sessions === 1 ? "" : "s"}.`}
      </PageHeader>
      {data.sessions === 0 ? (
        <EmptyState title="No analysed sessions yet">
          <p>
            <Link to="/practice">Practise a talk</Link> or <Link to="/upload">upload a recording</Link> to start.
          </p>
        </EmptyState>
      ) : (
        <>
          <TrendCard progress={data} />
          <div className="progress-grid">
            <LatestCard progress={data} />
            <BestsCard progress={data} />
          </div>
        </>
      )}
      <div className="progress-grid">
        {goals.error ? <ErrorBanner error={goals.error} title="Loading your goals" /> : <GoalsCard goals={data.goals} catalogue={goals.data} />}
        {data.sessions > 0 ? <MilestonesCard progress={data} /> : null}
      </div>
    </div>
  );
}
