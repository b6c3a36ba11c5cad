import { memo, useMemo } from "react";
import type { Report } from "../../api/reports";
import { TimelineChart, type ChartSeries } from "../../components/charts/TimelineChart";
import type { ListedNote } from "../../components/notes/NotesList";
import { Card } from "../../components/ui/Card";
import { bodyRows, speechRows } from "./chartData";
import { NotesTrack } from "./NotesTrack";
import { UnrecognisedTrack } from "./UnrecognisedTrack";

const PACE: readonly ChartSeries[] = [{ key: "wpm", label: "Pace", color: "#3b3fd8" }];
const VOLUME: readonly ChartSeries[] = [{ key: "volume", label: "Volume", color: "#18794e" }];
const PITCH: readonly ChartSeries[] = [{ key: "pitch", label: "Pitch variety", color: "#9a3412" }];
const TILT: readonly ChartSeries[] = [
  { key: "shoulder", label: "Shoulder tilt", color: "#6d28d9" },
  { key: "head", label: "Head tilt", color: "#0e7490" },
];
const GESTURE: readonly ChartSeries[] = [{ key: "gesture", label: "Gesture activity", color: "#b42318" }];
const IDEAL_PACE = { from: 130, to: 165, label: "ideal pace" };
const IDEAL_VOLUME = { from: -32, to: -10, label: "ideal level" };
const FROM_ZERO = [0, "auto"] as const;

export interface ReviewChartsProps {
  readonly report: Report;
  readonly currentTime: number;
  readonly onSeek: (t: number) => void;
  /** The session's notes: a track of markers above the charts and a dashed line in each chart. */
  readonly notes?: readonly ListedNote[];
  readonly activeNote?: string | null;
  readonly onNote?: (note: ListedNote) => void;
}

const NO_NOTES: readonly ListedNote[] = [];
const NO_SPANS: readonly { start_s: number; end_s: number }[] = [];

/** The timeline charts of a report (speech every 10 s, body language at the body-timeline rate). */
export const ReviewCharts = memo(function ReviewCharts({
  report,
  currentTime,
  onSeek,
  notes = NO_NOTES,
  activeNote = null,
  onNote,
}: ReviewChartsProps) {
  const speech = useMemo(() => speechRows(report.speech), [report.speech]);
  const body = useMemo(() => bodyRows(report.body), [report.body]);
  const marks = useMemo(() => (notes.length ? notes.map((n) => n.t_s) : undefined), [notes]);
  const unrecognised = report.speech?.unrecognised_speech ?? NO_SPANS;
  const duration = report.duration_s;
  const noVideo = report.body ? undefined : "No video in this recording.";
  const common = { durationS: duration, currentTime, onSeek, marks };
  return (
    <Card title="Timeline" className="charts-card">
      <p className="muted charts-card__hint">Click a chart to play from that moment; the red line follows the video.</p>
      {notes.length > 0 && (
        <NotesTrack
          notes={notes}
          durationS={duration}
          currentTime={currentTime}
          activeId={activeNote}
          onSelect={(note) => (onNote ? onNote(note) : onSeek(note.t_s))}
        />
      )}
      {unrecognised.length > 0 && (
        <UnrecognisedTrack spans={unrecognised} durationS={duration} currentTime={currentTime} onSeek={onSeek} />
      )}
      <div className="charts-grid">
        <TimelineChart title="Pace" unit="words per minute" rows={speech} series={PACE} band={IDEAL_PACE} {...common} />
        <TimelineChart title="Volume" unit="dBFS" rows={speech} series={VOLUME} band={IDEAL_VOLUME} {...common} />
        <TimelineChart title="Pitch variety" unit="semitones" rows={speech} series={PITCH} yDomain={FROM_ZERO} {...common} />
        <TimelineChart title="Posture: tilt" unit="degrees" rows={body} series={TILT} emptyText={noVideo} {...common} />
        <TimelineChart
          title="Gesture activity"
          unit="movement"
          rows={body}
          series={GESTURE}
          yDomain={FROM_ZERO}
          emptyText={noVideo}
          {...common}
        />
      </div>
    </Card>
  );
});
