// The playhead position a chart draws: the media time snapped to what one pixel of the plot can show,
// so a chart re-renders only when its playhead would move on screen.

/** `t` rounded down to a multiple of `durationS / plotWidthPx` (at least 0.1 s); null stays null. */
export function snapToPixel(t: number | null, durationS: number, plotWidthPx: number): number | null {
  if (t === null || !Number.isFinite(t)) return null;
  const step = Math.max(0.1, durationS > 0 && plotWidthPx > 0 ? durationS / plotWidthPx : 0.1);
  return Math.floor(t / step) * step;
}
