// Layout of a virtualised list with rows of varying height: estimated heights until a row is measured,
// offsets from prefix sums, the visible window by binary search.

export interface VisibleRange {
  /** First row to render (inclusive). */
  readonly start: number;
  /** Row after the last one to render (exclusive). */
  readonly end: number;
  /** Pixels above `start` (the spacer before the rendered rows). */
  readonly before: number;
  /** Pixels after `end` (the spacer after them). */
  readonly after: number;
}

export class RowLayout {
  private readonly heights: Float64Array;
  private readonly offsets: Float64Array;
  private dirtyFrom = 0;

  constructor(count: number, estimate: number) {
    this.heights = new Float64Array(count).fill(estimate);
    this.offsets = new Float64Array(count + 1);
  }

  get count(): number {
    return this.heights.length;
  }

  /** Record a measured height; returns whether it changed anything. */
  setHeight(index: number, height: number): boolean {
    if (index < 0 || index >= this.heights.length || !(height >= 0)) return false;
    if (Math.abs((this.heights[index] ?? 0) - height) < 0.5) return false;
    this.heights[index] = height;
    this.dirtyFrom = Math.min(this.dirtyFrom, index);
    return true;
  }

  private refresh(): void {
    if (this.dirtyFrom > this.heights.length) return;
    let offset = this.offsets[this.dirtyFrom] ?? 0;
    for (let i = this.dirtyFrom; i < this.heights.length; i++) {
      offset += this.heights[i] ?? 0;
      this.offsets[i + 1] = offset;
    }
    this.dirtyFrom = this.heights.length + 1;
  }

  /** Pixels from the top of the list to row `index` (`count` gives the total height). */
  offsetOf(index: number): number {
    this.refresh();
    return this.offsets[Math.max(0, Math.min(index, this.heights.length))] ?? 0;
  }

  heightOf(index: number): number {
    return this.heights[index] ?? 0;
  }

  get totalHeight(): number {
    return this.offsetOf(this.heights.length);
  }

  /** The row at `offset` pixels from the top (clamped to the rows). */
  indexAt(offset: number): number {
    this.refresh();
    const n = this.heights.length;
    if (n === 0) return 0;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.offsets[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Rows overlapping `[scrollTop, scrollTop + viewport)` plus `overscan` rows on each side. */
  visible(scrollTop: number, viewport: number, overscan = 4): VisibleRange {
    const n = this.heights.length;
    if (n === 0) return { start: 0, end: 0, before: 0, after: 0 };
    const first = this.indexAt(Math.max(0, scrollTop));
    const last = this.indexAt(Math.max(0, scrollTop + viewport - 1));
    const start = Math.max(0, first - overscan);
    const end = Math.min(n, last + 1 + overscan);
    return { start, end, before: this.offsetOf(start), after: this.totalHeight - this.offsetOf(end) };
  }
}
