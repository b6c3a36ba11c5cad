// Sessions and their analysis jobs: list (filters, paging), read, delete; analysis progress and re-runs.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { requestJson } from "./client";
import type { AnalysisJobOut, SessionList, SessionOut, SessionState } from "./types";

export const SESSIONS_KEY = ["sessions"] as const;
const SESSIONS_REFRESH_MS = 10_000;

export interface SessionQuery {
  /** States to show; empty for all. */
  readonly states: readonly SessionState[];
  /** ISO date (YYYY-MM-DD), inclusive; empty for no bound. */
  readonly from: string;
  /** ISO date (YYYY-MM-DD), inclusive; empty for no bound. */
  readonly to: string;
  readonly limit: number;
  readonly offset: number;
}

/** The day after an ISO date (the API's `to` is exclusive; the page's is inclusive). */
export function nextDay(isoDate: string): string {
  const day = new Date(`${isoDate}T00:00:00Z`);
  if (Number.isNaN(day.getTime())) return isoDate;
  day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}

/** `/api/v1/sessions?…` for a query (only the filters that are set). */
export function sessionsUrl(query: SessionQuery): string {
  const params = new URLSearchParams();
  if (query.states.length) params.set("state", query.states.join(","));
  if (query.from) params.set("from", query.from);
  if (query.to) params.set("to", nextDay(query.to));
  params.set("limit", String(query.limit));
  params.set("offset", String(query.offset));
  return `/api/v1/sessions?${params.toString()}`;
}

export function sessionUrl(id: string): string {
  return `/api/v1/sessions/${encodeURIComponent(id)}`;
}

export function analysisUrl(id: string): string {
  return `${sessionUrl(id)}/analysis`;
}

export function useSessions(query: SessionQuery) {
  return useQuery({
    queryKey: [...SESSIONS_KEY, "list", query],
    queryFn: ({ signal }) => requestJson<SessionList>(sessionsUrl(query), { signal }),
    placeholderData: keepPreviousData,
    // Live sessions (own or shared) come and go: ask again now and then, so a Watch link appears and leaves.
    refetchInterval: SESSIONS_REFRESH_MS,
  });
}

/** States in which the session is still on its way to a report. */
export const PENDING_STATES: readonly SessionState[] = ["created", "live", "ended", "analyzing"];

export function useSession(id: string) {
  return useQuery({
    queryKey: [...SESSIONS_KEY, "one", id],
    queryFn: ({ signal }) => requestJson<SessionOut>(sessionUrl(id), { signal }),
    refetchInterval: (q) => (q.state.data && PENDING_STATES.includes(q.state.data.state) ? 3000 : false),
  });
}

export function useDeleteSession() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => requestJson<undefined>(sessionUrl(id), { method: "DELETE" }),
    onSuccess: () => client.invalidateQueries({ queryKey: SESSIONS_KEY }),
  });
}

/** Whether an analysis job is still going (poll it). */
export function jobPending(job: AnalysisJobOut | undefined): boolean {
  return job !== undefined && (job.state === "queued" || job.state === "running");
}

export function useAnalysis(id: string, enabled: boolean) {
  return useQuery({
    queryKey: [...SESSIONS_KEY, "analysis", id],
    queryFn: ({ signal }) => requestJson<AnalysisJobOut>(analysisUrl(id), { signal }),
    enabled,
    // No job yet (404 while a live session is still going) is asked again slowly; a running job often.
    refetchInterval: (q) => (q.state.error ? 5000 : jobPending(q.state.data) || !q.state.data ? 1500 : false),
  });
}

export function useRerunAnalysis(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => requestJson<AnalysisJobOut>(analysisUrl(id), { method: "POST" }),
    onSuccess: (job) => {
      client.setQueryData([...SESSIONS_KEY, "analysis", id], job);
      return client.invalidateQueries({ queryKey: [...SESSIONS_KEY, "one", id] });
    },
  });
}
