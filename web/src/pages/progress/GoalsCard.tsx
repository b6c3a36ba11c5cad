import { useState, type FormEvent } from "react";
import { useDeleteGoal, usePutGoal, type GoalStatus } from "../../api/progress";
import type { GoalList } from "../../api/types";
import { formatDate } from "../../components/transcript/clock";
import { Button } from "../../components/ui/Button";
import { Card } from "../../components/ui/Card";
import { ErrorBanner } from "../../components/ui/ErrorBanner";
import { Field } from "../../components/ui/Field";
import { Select } from "../../components/ui/Select";
import { COMPARATOR_SIGNS, COMPARATOR_WORDS, formatMetric, metricLabel, orderMetrics } from "./metrics";

type Comparator = "lte" | "gte";

interface Draft {
  readonly metric: string;
  readonly comparator: Comparator;
  readonly target: string;
}

function defaultComparator(direction: string | undefined): Comparator {
  return direction === "higher" ? "gte" : "lte";
}

function GoalForm({ metrics, initial, onDone }: { metrics: Readonly<Record<string, string>>; initial: Draft; onDone: () => void }) {
  const [draft, setDraft] = useState(initial);
  const put = usePutGoal();
  const names = orderMetrics(Object.keys(metrics));
  const target = Number(draft.target);
  const invalid = draft.target.trim() === "" || !Number.isFinite(target);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (invalid) return;
    put.mutate({ metric: draft.metric, goal: { comparator: draft.comparator, target } }, { onSuccess: onDone });
  };
  return (
    <form className="goal-form" onSubmit={submit} aria-label="Goal">
      <Select
        label="Metric"
        options={names.map((n) => ({ value: n, label: metricLabel(n) }))}
        value={draft.metric}
        onChange={(e) => setDraft({ ...draft, metric: e.target.value, comparator: defaultComparator(metrics[e.target.value]) })}
      />
      <Select
        label="Should be"
        options={[
          { value: "lte", label: "at most (≤)" },
          { value: "gte", label: "at least (≥)" },
        ]}
        value={draft.comparator}
        onChange={(e) => setDraft({ ...draft, comparator: e.target.value === "gte" ? "gte" : "lte" })}
      />
      <Field
        label="Target"
        type="number"
        step="any"
        required
        value={draft.target}
        onChange={(e) => setDraft({ ...draft, target: e.target.value })}
      />
      <div className="goal-form__actions">
        <Button type="submit" busy={put.isPending} disabled={invalid}>
          Save goal
        </Button>
        <Button variant="ghost" onClick={onDone}>
          Cancel
        </Button>
      </div>
      {put.error ? <ErrorBanner error={put.error} title="Saving the goal" /> : null}
    </form>
  );
}

function GoalRow({ goal, onEdit }: { goal: GoalStatus; onEdit: () => void }) {
  const remove = useDeleteGoal();
  const [confirming, setConfirming] = useState(false);
  const status = goal.met_now ? "met" : goal.achieved ? "reached before" : "not yet";
  return (
    <li className={`goal goal--${goal.met_now ? "met" : "open"}`}>
      <div>
        <strong>{metricLabel(goal.metric)}</strong> {COMPARATOR_SIGNS[goal.comparator]} {formatMetric(goal.metric, goal.target, 2)}
        <p className="goal__status">
          Latest: {formatMetric(goal.metric, goal.current, 2)} · <span className={`goal__badge goal__badge--${goal.met_now ? "met" : "open"}`}>{status}</span>
          {goal.achieved_at ? ` · first reached ${formatDate(goal.achieved_at)}` : ""}
        </p>
      </div>
      <div className="goal__actions">
        {confirming ? (
          <>
            <Button variant="danger" busy={remove.isPending} onClick={() => remove.mutate(goal.metric)}>
              Delete goal
            </Button>
            <Button variant="secondary" onClick={() => setConfirming(false)}>
              Keep
            </Button>
          </>
        ) : (
          <>
            <Button variant="secondary" onClick={onEdit} aria-label={`Edit the ${metricLabel(goal.metric)} goal`}>
              Edit
            </Button>
            <Button variant="ghost" onClick={() => setConfirming(true)} aria-label={`Delete the ${metricLabel(goal.metric)} goal`}>
              Delete
            </Button>
          </>
        )}
      </div>
      {remove.error ? <ErrorBanner error={remove.error} title="Deleting the goal" /> : null}
    </li>
  );
}

/** Goals: what each asks for, whether the latest session meets it, and a form to add or change one. */
export function GoalsCard({ goals, catalogue }: { goals: readonly GoalStatus[]; catalogue: GoalList | undefined }) {
  const [editing, setEditing] = useState<Draft | null>(null);
  const metrics = catalogue?.metrics ?? {};
  const first = orderMetrics(Object.keys(metrics)).find((m) => !goals.some((g) => g.metric === m)) ?? "overall";
  const add = () => setEditing({ metric: first, comparator: defaultComparator(metrics[first]), target: "" });
  return (
    <Card
      title="Goals"
      actions={
        editing === null && catalogue ? (
          <Button variant="secondary" onClick={add}>
            Add a goal
          </Button>
        ) : null
      }
    >
      {editing !== null ? (
        <GoalForm key={editing.metric} metrics={metrics} initial={editing} onDone={() => setEditing(null)} />
      ) : null}
      {goals.length === 0 && editing === null ? (
        <p className="muted">No goals yet. Set one, for example fillers per minute {COMPARATOR_WORDS.lte} 3.</p>
      ) : (
        <ul className="goals">
          {goals.map((g) => (
            <GoalRow
              key={g.metric}
              goal={g}
              onEdit={() => setEditing({ metric: g.metric, comparator: g.comparator, target: String(g.target) })}
            />
          ))}
        </ul>
      )}
    </Card>
  );
}
