import { useCallback, useMemo, useState } from "react";
import { useNotes } from "../../api/coaching";
import { exportUrls, recordingUrl, type ReviewData } from "../../api/reports";
import { NotesList, type ListedNote } from "../../components/notes/NotesList";
import { PrintTranscript, usePrinting } from "../../components/transcript/PrintTranscript";
import { Transcript } from "../../components/transcript/Transcript";
import { TranscriptLegend } from "../../components/transcript/TranscriptLegend";
import { formatDateTime, formatDuration } from "../../components/transcript/clock";
import { markCounts, segment, tokenize, wordTokens } from "../../components/transcript/segments";
import { Button } from "../../components/ui/Button";
import { Card } from "../../components/ui/Card";
import { PageHeader } from "../../components/ui/PageHeader";
import { scoreBand } from "./dimensions";
import { Recommendations } from "./Recommendations";
import { ReviewCharts } from "./ReviewCharts";
import { ScoresPanel } from "./ScoresPanel";
import { usePlayback } from "./usePlayback";

const NO_NOTES: readonly ListedNote[] = [];

function useTranscript(data: ReviewData) {
  const speech = data.report.speech;
  return useMemo(() => {
    const tokens = tokenize({
      words: speech?.words ?? [],
      fillers: speech?.fillers,
      hedges: speech?.hedges,
      lexicalFillers: speech?.lexical_fillers,
      pauses: speech?.pauses,
      unrecognised: speech?.unrecognised_speech,
    });
    return { segments: segment(tokens), words: wordTokens(tokens), counts: markCounts(tokens) };
  }, [speech]);
}

/** A finished report: recording, transcript, timeline, scores and recommendations, exports and printing. */
export function ReportView({ data }: { data: ReviewData }) {
  const { session, report } = data;
  const { attachVideo, currentTime, seek, reveal } = usePlayback();
  const transcript = useTranscript(data);
  const printing = usePrinting();
  const exports = exportUrls(session.id);
  const jump = useCallback(
    (t: number) => {
      seek(t);
      reveal();
    },
    [seek, reveal],
  );
  const notes = useNotes(session.id);
  const noteItems = notes.data?.items ?? NO_NOTES;
  const [activeNote, setActiveNote] = useState<string | null>(null);
  const playNote = useCallback(
    (note: ListedNote) => {
      setActiveNote(note.id);
      jump(note.t_s);
    },
    [jump],
  );
  const overall = report.scores?.overall ?? null;
  const title = session.title || "Untitled session";
  return (
    <div className="review">
      <PageHeader
        title={title}
        actions={
          <div className="review-actions no-print">
            <a className="btn btn-secondary" href={exports.json} download>
              Export JSON
            </a>
            <a className="btn btn-secondary" href={exports.csv} download>
              Export CSV
            </a>
            <a className="btn btn-ghost" href={exports.timelineCsv} download>
              Timeline CSV
            </a>
            <Button variant="secondary" onClick={() => window.print()}>
              Print report
            </Button>
          </div>
        }
      >
        {formatDateTime(session.started_at ?? session.created_at)} · {formatDuration(report.duration_s)} ·{" "}
        {session.source === "upload" ? "uploaded recording" : "live session"}
        {overall !== null ? (
          <>
            {" "}
            · <span className={`score-pill score-pill--${scoreBand(overall)}`}>Overall {Math.round(overall)}</span>
          </>
        ) : null}
      </PageHeader>
      {report.warnings?.length ? (
        <div className="review-warnings" role="note">
          {report.warnings.map((w, i) => (
            <p key={i}>{w}</p>
          ))}
        </div>
      ) : null}
      <div className="review-grid">
        <Card title="Recording" className="review-video">
          <video
            ref={attachVideo}
            className={report.has_video === false ? "review-video__player review-video__player--audio" : "review-video__player"}
            src={recordingUrl(session.id)}
            controls
            preload="auto"
          >
            Your browser cannot play this recording; download the JSON export instead.
          </video>
        </Card>
        <Card title="Transcript" className="review-transcript">
          {transcript.counts.unheard > 0 ? (
            <p className="muted review-unrecognised" role="note">
              {transcript.counts.unheard === 1
                ? "One stretch of speech"
                : `${transcript.counts.unheard} stretches of speech`}{" "}
              could not be recognised: they are marked “unrecognised speech” below and on the timeline.
            </p>
          ) : null}
          {transcript.words.length === 0 && transcript.counts.unheard === 0 ? (
            <p className="muted">No words were recognised in this recording.</p>
          ) : (
            <>
              <TranscriptLegend counts={transcript.counts} />
              <Transcript
                segments={transcript.segments}
                words={transcript.words}
                currentTime={currentTime}
                onSeek={seek}
              />
              {printing ? <PrintTranscript segments={transcript.segments} /> : null}
            </>
          )}
        </Card>
      </div>
      <ReviewCharts
        report={report}
        currentTime={currentTime}
        onSeek={jump}
        notes={noteItems}
        activeNote={activeNote}
        onNote={playNote}
      />
      {noteItems.length > 0 && (
        <Card title={`Notes (${noteItems.length})`} className="review-notes">
          <NotesList
            notes={noteItems}
            label="Notes on this session"
            activeId={activeNote}
            onSeek={(_, note) => playNote(note)}
          />
        </Card>
      )}
      <div className="review-grid review-grid--even">
        <ScoresPanel scores={report.scores} />
        <Recommendations items={report.recommendations} onJump={jump} />
      </div>
    </div>
  );
}
