// Transcript model: a report's words, fillers, hedges, crutch words and pauses merged into one timed
// token list, cut into short rows (paragraphs) for a virtualised view.

export interface TimedText {
  readonly text: string;
  readonly start_s: number;
  readonly end_s: number;
}

export interface ReportWord extends TimedText {
  /** The server marks non-lexical filler words ("um") it kept in the word list. */
  readonly filler?: boolean | null;
}

export interface Span {
  readonly start_s: number;
  readonly end_s: number;
}

export interface TranscriptInput {
  readonly words: readonly ReportWord[];
  readonly fillers?: readonly TimedText[] | null;
  readonly hedges?: readonly TimedText[] | null;
  readonly lexicalFillers?: readonly TimedText[] | null;
  readonly pauses?: readonly Span[] | null;
  /** Stretches heard as speech in which no word was recognised. */
  readonly unrecognised?: readonly Span[] | null;
}

export type Mark = "filler" | "hedge" | "crutch";

export interface WordToken {
  readonly kind: "word";
  readonly text: string;
  readonly start_s: number;
  readonly end_s: number;
  readonly mark: Mark | null;
  /** Heard only by the acoustic filler detector: not in the recognised words. */
  readonly inferred: boolean;
  /** Index among the word tokens (what the current-word search returns). */
  readonly index: number;
}

export interface PauseToken {
  readonly kind: "pause";
  readonly start_s: number;
  readonly end_s: number;
}

/** Speech the voice detector heard but in which no word was recognised. */
export interface UnheardToken {
  readonly kind: "unheard";
  readonly start_s: number;
  readonly end_s: number;
}

/** A token that is not a word: a pause or a stretch of unrecognised speech. */
export type GapToken = PauseToken | UnheardToken;

export type Token = WordToken | GapToken;

export interface Segment {
  readonly start_s: number;
  readonly end_s: number;
  readonly tokens: readonly Token[];
  /** Index of the first word token in or after the segment (non-decreasing from row to row). */
  readonly firstWord: number;
}

const EPS = 0.05;

function overlaps(a: Span, b: Span): boolean {
  return Math.min(a.end_s, b.end_s) > Math.max(a.start_s, b.start_s) - EPS;
}

function inside(word: Span, span: Span): boolean {
  return word.start_s >= span.start_s - EPS && word.end_s <= span.end_s + EPS;
}

/** Sorted by start, a cursor that answers "does any span cover this word?" in one pass over sorted words. */
class SpanCursor {
  private readonly spans: readonly Span[];
  private at = 0;

  constructor(spans: readonly Span[] | null | undefined) {
    this.spans = [...(spans ?? [])].sort((a, b) => a.start_s - b.start_s);
  }

  test(word: Span, match: (word: Span, span: Span) => boolean): Span | null {
    while ((this.spans[this.at]?.end_s ?? Number.POSITIVE_INFINITY) + EPS < word.start_s) this.at++;
    for (let i = this.at; i < this.spans.length; i++) {
      const span = this.spans[i];
      if (span === undefined || span.start_s - EPS > word.end_s) break;
      if (match(word, span)) return span;
    }
    return null;
  }
}

function byStart<T extends Span>(items: readonly T[] | null | undefined): T[] {
  return [...(items ?? [])].sort((a, b) => a.start_s - b.start_s);
}

/** Fillers that no recognised word covers (the acoustic detector heard them): shown as inferred words. */
function unheardFillers(words: readonly ReportWord[], fillers: readonly TimedText[]): TimedText[] {
  const cursor = new SpanCursor(words);
  return fillers.filter((f) => cursor.test(f, overlaps) === null);
}

/** All tokens of a transcript in time order; word tokens carry their mark and a running index. */
export function tokenize(input: TranscriptInput): Token[] {
  const words = byStart(input.words);
  const fillers = byStart(input.fillers);
  const spoken: { word: TimedText; mark: Mark | null; inferred: boolean }[] = [];
  const fillerCursor = new SpanCursor(fillers);
  const hedgeCursor = new SpanCursor(input.hedges);
  const crutchCursor = new SpanCursor(input.lexicalFillers);
  for (const word of words) {
    let mark: Mark | null = null;
    if (word.filler || fillerCursor.test(word, overlaps)) mark = "filler";
    else if (crutchCursor.test(word, inside)) mark = "crutch";
    else if (hedgeCursor.test(word, inside)) mark = "hedge";
    spoken.push({ word, mark, inferred: false });
  }
  for (const filler of unheardFillers(words, fillers)) spoken.push({ word: filler, mark: "filler", inferred: true });
  spoken.sort((a, b) => a.word.start_s - b.word.start_s);
  const tokens: Token[] = spoken.map((s, index) => ({
    kind: "word",
    text: s.word.text,
    start_s: s.word.start_s,
    end_s: s.word.end_s,
    mark: s.mark,
    inferred: s.inferred,
    index,
  }));
  const gaps: GapToken[] = [
    ...(input.pauses ?? []).map((p): GapToken => ({ kind: "pause", start_s: p.start_s, end_s: p.end_s })),
    ...(input.unrecognised ?? []).map((u): GapToken => ({ kind: "unheard", start_s: u.start_s, end_s: u.end_s })),
  ];
  return mergeGaps(tokens, byStart(gaps));
}

function mergeGaps(words: Token[], gaps: readonly GapToken[]): Token[] {
  const out: Token[] = [];
  let p = 0;
  const take = (until: number) => {
    for (let gap = gaps[p]; gap !== undefined && gap.start_s <= until; gap = gaps[++p]) out.push(gap);
  };
  for (const word of words) {
    take(word.start_s);
    out.push(word);
  }
  take(Number.POSITIVE_INFINITY);
  return out;
}

export interface SegmentOptions {
  /** A row ends after a pause at least this long… */
  readonly breakPauseS: number;
  /** …or after sentence-ending punctuation once it has this many words… */
  readonly sentenceWords: number;
  /** …and never holds more than this many words. */
  readonly maxWords: number;
}

export const DEFAULT_SEGMENT_OPTIONS: SegmentOptions = { breakPauseS: 1.0, sentenceWords: 12, maxWords: 40 };

function endsSentence(text: string): boolean {
  return /[.!?…]["”’)]?$/.test(text.trim());
}

/** Cut tokens into rows: at long pauses (the pause opens the next row), sentence ends and a maximum length. */
export function segment(tokens: readonly Token[], options: SegmentOptions = DEFAULT_SEGMENT_OPTIONS): Segment[] {
  const rows: Segment[] = [];
  let current: Token[] = [];
  let words = 0;
  let nextWord = 0;
  const flush = () => {
    const head = current[0];
    if (head === undefined) return;
    const first = current.find((t): t is WordToken => t.kind === "word");
    rows.push({
      start_s: head.start_s,
      end_s: Math.max(...current.map((t) => t.end_s)),
      tokens: current,
      firstWord: first ? first.index : nextWord,
    });
    current = [];
    words = 0;
  };
  for (const token of tokens) {
    if (token.kind === "pause" && token.end_s - token.start_s >= options.breakPauseS) flush();
    current.push(token);
    if (token.kind !== "word") continue;
    nextWord = token.index + 1;
    words++;
    if (words >= options.maxWords || (words >= options.sentenceWords && endsSentence(token.text))) flush();
  }
  flush();
  return rows;
}

/** The word tokens of `tokens`, in index order (index i is at position i). */
export function wordTokens(tokens: readonly Token[]): WordToken[] {
  return tokens.filter((t): t is WordToken => t.kind === "word");
}

/** Counts of each mark, for the transcript legend. */
export function markCounts(tokens: readonly Token[]): Record<Mark | GapToken["kind"], number> {
  const counts = { filler: 0, hedge: 0, crutch: 0, pause: 0, unheard: 0 };
  for (const t of tokens) {
    if (t.kind !== "word") counts[t.kind]++;
    else if (t.mark) counts[t.mark]++;
  }
  return counts;
}
