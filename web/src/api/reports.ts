// A session's report, its exports and recording (the report's types come from the OpenAPI `Report` schema).
import { useQuery } from "@tanstack/react-query";
import { requestJson } from "./client";
import { sessionUrl, SESSIONS_KEY } from "./sessions";
import type { ReportOut } from "./types";

export type {
  Body,
  BodySample,
  DimensionScore,
  Filler,
  Moment,
  Pause,
  Recommendation,
  Report,
  Scores,
  Speech,
  SpeechWindow,
  TimedText,
  Word,
} from "./types";

/** `GET /api/v1/sessions/{id}/report`: the session and its typed report. */
export type ReviewData = ReportOut;

export function reportUrl(id: string): string {
  return `${sessionUrl(id)}/report`;
}

export function recordingUrl(id: string): string {
  return `${sessionUrl(id)}/recording`;
}

export function exportUrls(id: string): { json: string; csv: string; timelineCsv: string } {
  const base = sessionUrl(id);
  return { json: `${base}/report.json`, csv: `${base}/report.csv`, timelineCsv: `${base}/report.csv?rows=timeline` };
}

export function useReport(id: string, enabled: boolean) {
  return useQuery({
    queryKey: [...SESSIONS_KEY, "report", id],
    queryFn: ({ signal }) => requestJson<ReviewData>(reportUrl(id), { signal }),
    enabled,
    staleTime: 5 * 60_000,
  });
}
