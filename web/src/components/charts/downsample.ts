// Downsampling of long time series for charts: at most `maxPoints` rows, keeping each bucket's extremes.
//
// A 60-minute report has 7 200 body-timeline rows at 2 Hz; SVG charts stay fast with a few hundred. The
// rows are split into equal-count buckets and each bucket keeps, for every plotted key, the row with the
// smallest and the row with the largest value (so spikes and dips survive), in time order. A bucket in
// which a key is missing everywhere keeps one row, so gaps in a line stay gaps.

export const DEFAULT_MAX_POINTS = 600;

type Row = object;

function valueOf(row: Row, key: string): number | null {
  const value = (row as Record<string, unknown>)[key];
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function bucketPicks(bucket: readonly Row[], from: number, keys: readonly string[]): number[] {
  const picks = new Set<number>();
  for (const key of keys) {
    let minAt = -1;
    let maxAt = -1;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    bucket.forEach((row, i) => {
      const v = valueOf(row, key);
      if (v === null) return;
      if (v < min) [min, minAt] = [v, i];
      if (v > max) [max, maxAt] = [v, i];
    });
    if (minAt >= 0) picks.add(from + minAt);
    if (maxAt >= 0) picks.add(from + maxAt);
  }
  if (picks.size === 0) picks.add(from);
  return [...picks].sort((a, b) => a - b);
}

/**
 * At most `maxPoints` of `rows` (in their order), keeping the minimum and maximum of every key in `keys`
 * within each bucket. Returns `rows` itself when it is already short enough.
 */
export function downsample<T extends Row>(
  rows: readonly T[],
  keys: readonly string[],
  maxPoints: number = DEFAULT_MAX_POINTS,
): readonly T[] {
  if (rows.length <= maxPoints) return rows;
  const perBucket = Math.max(1, 2 * keys.length);
  const buckets = Math.max(1, Math.floor(maxPoints / perBucket));
  const out: T[] = [];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * rows.length) / buckets);
    const to = Math.floor(((b + 1) * rows.length) / buckets);
    if (to <= from) continue;
    for (const i of bucketPicks(rows.slice(from, to), from, keys)) {
      const row = rows[i];
      if (row !== undefined) out.push(row);
    }
  }
  return out;
}
