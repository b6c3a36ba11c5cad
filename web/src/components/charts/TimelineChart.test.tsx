import { render } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { TimelineChart, type ChartRow } from "./TimelineChart";

const rows: ChartRow[] = Array.from({ length: 61 }, (_, i) => ({ t: i * 10, wpm: 120 + (i % 7) * 5 }));
const series = [{ key: "wpm", label: "Pace", color: "#3b3fd8" }];

function playheadX(container: HTMLElement): number {
  const line = container.querySelector(".timeline-chart__playhead line, line.timeline-chart__playhead, .recharts-reference-line line");
  if (!line) throw new Error("no playhead drawn");
  return Number(line.getAttribute("x1"));
}

describe("TimelineChart", () => {
  it("draws the playhead at the video's time and moves it as the time changes", () => {
    const props = { title: "Pace", unit: "wpm", rows, series, durationS: 600, onSeek: vi.fn() };
    const { container, rerender } = render(<TimelineChart {...props} currentTime={60} />);
    const early = playheadX(container);
    rerender(<TimelineChart {...props} currentTime={300} />);
    const middle = playheadX(container);
    rerender(<TimelineChart {...props} currentTime={540} />);
    const late = playheadX(container);
    expect(middle).toBeGreaterThan(early);
    expect(late).toBeGreaterThan(middle);
    // Linear in time: the 60 s → 300 s step is as wide as 300 s → 540 s.
    expect(Math.abs(middle - early - (late - middle))).toBeLessThan(2);
  });

  it("says so when the series was not measured", () => {
    const empty = rows.map((r) => ({ t: r.t, wpm: null }));
    const { getByText } = render(
      <TimelineChart title="Pace" unit="wpm" rows={empty} series={series} durationS={600} currentTime={0} onSeek={vi.fn()} emptyText="No speech." />,
    );
    expect(getByText("No speech.")).toBeInTheDocument();
  });

  it("renders no more than the downsampled number of points for a long series", () => {
    const long: ChartRow[] = Array.from({ length: 7200 }, (_, i) => ({ t: i / 2, wpm: Math.sin(i) }));
    const { container } = render(
      <TimelineChart title="Tilt" unit="°" rows={long} series={series} durationS={3600} currentTime={0} onSeek={vi.fn()} />,
    );
    const path = container.querySelector(".recharts-line-curve");
    expect(path).not.toBeNull();
    const commands = (path?.getAttribute("d") ?? "").match(/[LM]/g) ?? [];
    expect(commands.length).toBeGreaterThan(100);
    expect(commands.length).toBeLessThanOrEqual(600);
  });
});
