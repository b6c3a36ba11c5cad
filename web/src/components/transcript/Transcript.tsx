import { Fragment, memo, useCallback, useEffect, useMemo, useRef, useState, type MouseEvent, type UIEvent } from "react";
import { clock, formatNumber } from "./clock";
import { rowOfWord, wordAt } from "./search";
import type { GapToken, Mark, Segment, Token, WordToken } from "./segments";
import { RowLayout } from "./virtual";

export interface TranscriptProps {
  readonly segments: readonly Segment[];
  /** The word tokens of the segments, in index order. */
  readonly words: readonly WordToken[];
  readonly currentTime: number;
  readonly onSeek: (t: number) => void;
  /** Height of the scrolling viewport, px (also the fallback where nothing can be measured). */
  readonly height?: number;
}

const ROW_ESTIMATE_PX = 56;
const MARK_TITLES: Record<Mark, string> = { filler: "Filler", hedge: "Hedge", crutch: "Crutch word" };

function wordClass(token: WordToken, active: boolean): string {
  const classes = ["tw"];
  if (token.mark) classes.push(`tw--${token.mark}`);
  if (token.inferred) classes.push("tw--inferred");
  if (active) classes.push("tw--active");
  return classes.join(" ");
}

function GapView({ token }: { token: GapToken }) {
  const length = formatNumber(token.end_s - token.start_s);
  if (token.kind === "unheard") {
    return (
      <button
        type="button"
        className="tw-gap tw-unheard"
        data-start={token.start_s}
        title={`Speech heard for ${length} s, but no words were recognised in it`}
        aria-label={`Unrecognised speech at ${clock(token.start_s)}, ${length} s: play from here`}
      >
        unrecognised speech {length} s
      </button>
    );
  }
  return (
    <button
      type="button"
      className="tw-gap tw-pause"
      data-start={token.start_s}
      title={`Pause of ${length} s`}
      aria-label={`Pause at ${clock(token.start_s)}, ${length} s: play from here`}
    >
      pause {length} s
    </button>
  );
}

function TokenView({ token, active }: { token: Token; active: boolean }) {
  if (token.kind !== "word") return <GapView token={token} />;
  const title = token.mark ? `${MARK_TITLES[token.mark]}${token.inferred ? " (heard, not transcribed)" : ""}` : undefined;
  // A button: reachable with Tab and played from with Enter or Space (the click bubbles to the viewport's handler).
  return (
    <button
      type="button"
      className={wordClass(token, active)}
      data-start={token.start_s}
      data-word={token.index}
      title={title}
      aria-current={active ? "true" : undefined}
    >
      {token.inferred ? `(${token.text})` : token.text}
    </button>
  );
}

interface RowProps {
  readonly segment: Segment;
  readonly index: number;
  /** The active word's index when it is in this row, else −1 (so other rows do not re-render). */
  readonly activeWord: number;
  readonly observe: (element: HTMLElement | null) => (() => void) | undefined;
  readonly onSeek: (t: number) => void;
}

const TranscriptRow = memo(function TranscriptRow({ segment, index, activeWord, observe, onSeek }: RowProps) {
  return (
    <div className="tr-row" data-row={index} ref={observe}>
      <button
        type="button"
        className="tr-time"
        onClick={() => onSeek(segment.start_s)}
        aria-label={`Play from ${clock(segment.start_s)}`}
      >
        {clock(segment.start_s)}
      </button>
      <p className="tr-text">
        {segment.tokens.map((token, i) => (
          <Fragment key={i}>
            <TokenView token={token} active={token.kind === "word" && token.index === activeWord} />{" "}
          </Fragment>
        ))}
      </p>
    </div>
  );
});

/**
 * The transcript, virtualised: only the rows in (and just around) the viewport are rendered. Every word
 * seeks the video to its start when clicked; the word being said is highlighted and followed.
 */
export function Transcript({ segments, words, currentTime, onSeek, height = 420 }: TranscriptProps) {
  const layout = useMemo(() => new RowLayout(segments.length, ROW_ESTIMATE_PX), [segments]);
  const firstWords = useMemo(() => segments.map((s) => s.firstWord), [segments]);
  const container = useRef<HTMLDivElement | null>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [, setMeasured] = useState(0);
  const [follow, setFollow] = useState(true);
  const observer = useRef<ResizeObserver | null>(null);

  useEffect(() => {
    if (typeof ResizeObserver === "undefined") return;
    const resize = new ResizeObserver((entries) => {
      let changed = false;
      for (const entry of entries) {
        const row = Number((entry.target as HTMLElement).dataset.row);
        changed = layout.setHeight(row, (entry.target as HTMLElement).offsetHeight) || changed;
      }
      if (changed) setMeasured((n) => n + 1);
    });
    observer.current = resize;
    for (const row of container.current?.querySelectorAll<HTMLElement>("[data-row]") ?? []) resize.observe(row);
    return () => {
      resize.disconnect();
      observer.current = null;
    };
  }, [layout]);

  const observe = useCallback((element: HTMLElement | null) => {
    if (!element) return undefined;
    observer.current?.observe(element);
    return () => observer.current?.unobserve(element);
  }, []);

  const activeWord = wordAt(words, currentTime);
  const activeRow = rowOfWord(firstWords, activeWord);

  useEffect(() => {
    const box = container.current;
    if (!follow || !box || activeRow < 0) return;
    const top = layout.offsetOf(activeRow);
    const bottom = top + layout.heightOf(activeRow);
    const viewport = box.clientHeight || height;
    if (top < box.scrollTop || bottom > box.scrollTop + viewport) box.scrollTop = Math.max(0, top - viewport / 3);
  }, [activeRow, follow, layout, height]);

  const onScroll = (event: UIEvent<HTMLDivElement>) => setScrollTop(event.currentTarget.scrollTop);
  const onClick = (event: MouseEvent<HTMLDivElement>) => {
    const target = (event.target as HTMLElement).closest<HTMLElement>("[data-start]");
    if (target?.dataset.start) onSeek(Number(target.dataset.start));
  };

  const range = layout.visible(scrollTop, height);
  const rows: Segment[] = segments.slice(range.start, range.end);
  return (
    <div className="transcript">
      <label className="check transcript__follow no-print">
        <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow the video
      </label>
      <div
        ref={container}
        className="transcript__viewport"
        style={{ height }}
        onScroll={onScroll}
        onClick={onClick}
        role="region"
        aria-label="Transcript (click a word, or Tab to it and press Enter, to play from there)"
        tabIndex={0}
      >
        <div style={{ height: range.before }} aria-hidden="true" />
        {rows.map((segment, i) => {
          const index = range.start + i;
          return (
            <TranscriptRow
              key={index}
              segment={segment}
              index={index}
              activeWord={index === activeRow ? activeWord : -1}
              observe={observe}
              onSeek={onSeek}
            />
          );
        })}
        <div style={{ height: range.after }} aria-hidden="true" />
      </div>
    </div>
  );
}
