// Binary searches over time-sorted items: which word is being said, which row holds it.

/** Index of the last item whose `start_s` is ≤ `t` (−1 when `t` is before the first). */
export function lastStartingBefore(items: readonly { readonly start_s: number }[], t: number): number {
  let lo = 0;
  let hi = items.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((items[mid]?.start_s ?? Number.POSITIVE_INFINITY) <= t) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/**
 * The word being said at `t`: the last word starting at or before `t`, as long as `t` is before its end
 * plus `holdS` (so the highlight stays through short gaps but not through a long pause). −1 for none.
 */
export function wordAt(
  words: readonly { readonly start_s: number; readonly end_s: number }[],
  t: number,
  holdS = 0.6,
): number {
  const i = lastStartingBefore(words, t);
  const word = words[i];
  if (word === undefined) return -1;
  return t <= word.end_s + holdS ? i : -1;
}

/**
 * Index of the row holding word `wordIndex`, given each row's `firstWord` (non-decreasing: the index of the
 * first word in or after the row). −1 when `wordIndex` is negative or before every row.
 */
export function rowOfWord(firstWords: readonly number[], wordIndex: number): number {
  if (wordIndex < 0) return -1;
  let lo = 0;
  let hi = firstWords.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((firstWords[mid] ?? Number.POSITIVE_INFINITY) <= wordIndex) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}
