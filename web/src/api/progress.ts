// Progress across sessions and goals. The shapes mirror `inference/scoring/progress.py`.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { requestJson } from "./client";
import type { GoalIn, GoalList, GoalOut } from "./types";

export interface HistoryEntry {
  readonly session_id: string;
  readonly title: string;
  readonly at: string;
  readonly overall: number | null;
  readonly scores: Readonly<Record<string, number | null>>;
  readonly metrics: Readonly<Record<string, number | null>>;
}

export interface Trend {
  readonly slope: number;
  readonly direction: "improving" | "declining" | "steady" | "changing";
  readonly sessions: number;
  readonly latest: number;
  readonly mean: number;
}

export interface PersonalBest {
  readonly value: number;
  readonly session_id: string;
  readonly at: string;
}

export interface GoalStatus {
  readonly metric: string;
  readonly comparator: "lte" | "gte";
  readonly target: number;
  readonly current: number | null;
  readonly met_now: boolean;
  readonly achieved: boolean;
  readonly achieved_at: string | null;
  readonly achieved_session_id: string | null;
}

export interface Milestone {
  readonly kind: string;
  readonly at: string;
  readonly session_id: string;
  readonly text: string;
}

export interface Comparison {
  readonly value: number;
  readonly previous_mean: number;
  readonly previous_sessions: number;
  readonly delta: number;
  readonly better: boolean | null;
}

export interface Progress {
  readonly sessions: number;
  readonly history: readonly HistoryEntry[];
  readonly trends: Readonly<Record<string, Trend>>;
  readonly personal_bests: Readonly<Record<string, PersonalBest>>;
  readonly goals: readonly GoalStatus[];
  readonly milestones: readonly Milestone[];
  readonly latest_vs_previous: Readonly<Record<string, Comparison>>;
}

export const PROGRESS_KEY = ["progress"] as const;
export const GOALS_KEY = ["goals"] as const;

/** The value of `metric` in one history entry: overall, a dimension's score or a flat metric. */
export function historyValue(entry: HistoryEntry, metric: string): number | null {
  if (metric === "overall") return entry.overall;
  if (metric in entry.scores) return entry.scores[metric] ?? null;
  return entry.metrics[metric] ?? null;
}

export function useProgress() {
  return useQuery({
    queryKey: PROGRESS_KEY,
    queryFn: ({ signal }) => requestJson<Progress>("/api/v1/progress", { signal }),
  });
}

export function useGoals() {
  return useQuery({
    queryKey: GOALS_KEY,
    queryFn: ({ signal }) => requestJson<GoalList>("/api/v1/goals", { signal }),
  });
}

function goalUrl(metric: string): string {
  return `/api/v1/goals/${encodeURIComponent(metric)}`;
}

function useGoalMutation<V>(run: (value: V) => Promise<unknown>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: GOALS_KEY }),
        client.invalidateQueries({ queryKey: PROGRESS_KEY }),
      ]),
  });
}

export function usePutGoal() {
  return useGoalMutation(({ metric, goal }: { metric: string; goal: GoalIn }) =>
    requestJson<GoalOut>(goalUrl(metric), { method: "PUT", json: goal }),
  );
}

export function useDeleteGoal() {
  return useGoalMutation((metric: string) => requestJson<undefined>(goalUrl(metric), { method: "DELETE" }));
}
