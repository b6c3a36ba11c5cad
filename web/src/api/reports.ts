// A session's report, its exports and recording. The report's types mirror `inference/report` (the
// server's pydantic model); only the fields the review page reads are named here.
import { useQuery } from "@tanstack/react-query";
import { requestJson } from "./client";
import { sessionUrl, SESSIONS_KEY } from "./sessions";
import type { SessionOut } from "./types";

export interface Span {
  readonly start_s: number;
  readonly end_s: number;
}

export interface TimedText extends Span {
  readonly text: string;
}

export interface Word extends TimedText {
  readonly probability?: number | null;
  readonly filler?: boolean;
}

export interface Filler extends TimedText {
  readonly source?: "asr" | "acoustic" | "both";
  readonly confidence?: number | null;
}

export interface Pause extends Span {
  readonly duration_s?: number;
}

export interface SpeechWindow extends Span {
  readonly word_count: number;
  readonly wpm: number | null;
  readonly volume_dbfs: number | null;
  readonly pitch_hz: number | null;
  readonly pitch_variation_st: number | null;
  readonly speech_ratio?: number | null;
}

export interface Speech {
  readonly wpm: number | null;
  readonly word_count: number;
  readonly transcript: string;
  readonly words: readonly Word[];
  readonly fillers: readonly Filler[];
  readonly lexical_fillers: readonly TimedText[];
  readonly hedges: readonly TimedText[];
  readonly pauses: readonly Pause[];
  readonly timeline: readonly SpeechWindow[];
  readonly volume_dbfs?: number | null;
  readonly pitch_variation_st?: number | null;
}

export interface BodySample {
  readonly t_s: number;
  readonly person_visible: boolean;
  readonly shoulder_tilt_deg?: number | null;
  readonly head_tilt_deg?: number | null;
  readonly sway?: number | null;
  readonly gesture_activity?: number | null;
  readonly posture?: string | null;
  readonly gesture?: string | null;
  readonly facing_camera?: boolean | null;
  readonly framing?: string;
}

export interface Body {
  readonly frames_analyzed: number;
  readonly person_visible_ratio: number;
  readonly timeline: readonly BodySample[];
}

export interface DimensionScore {
  readonly score: number | null;
  readonly value: number | null;
  readonly unit: string;
  readonly reason: string | null;
}

export interface Scores {
  readonly overall: number | null;
  readonly dimensions: Readonly<Record<string, DimensionScore>>;
  readonly excluded?: Readonly<Record<string, string>>;
  readonly weights?: Readonly<Record<string, number>>;
  readonly metrics?: Readonly<Record<string, number | null>>;
}

export interface Moment extends Span {
  readonly at: string;
  readonly detail: string;
}

export interface Recommendation {
  readonly id: string;
  readonly dimension: string;
  readonly priority: number;
  readonly rank: number;
  readonly title: string;
  readonly advice: string;
  readonly exercise: string;
  readonly evidence: readonly Moment[];
}

export interface Report {
  readonly duration_s: number;
  readonly has_audio?: boolean;
  readonly has_video?: boolean;
  readonly speech: Speech | null;
  readonly body: Body | null;
  readonly scores: Scores | null;
  readonly recommendations: readonly Recommendation[];
  readonly warnings?: readonly string[];
}

/** `GET /api/v1/sessions/{id}/report`, with the report typed. */
export interface ReviewData {
  readonly session: SessionOut;
  readonly schema_version: number;
  readonly created_at: string;
  readonly report: Report;
}

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
