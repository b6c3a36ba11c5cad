import { describe, expect, it } from "vitest";
import { fractionOf, laneCount, placeNoteMarkers } from "./noteMarkers";

const note = (id: string, t_s: number) => ({ id, t_s });

describe("fractionOf", () => {
  it("is the share of the recording, clamped to its ends", () => {
    expect(fractionOf(30, 120)).toBe(0.25);
    expect(fractionOf(-2, 120)).toBe(0);
    expect(fractionOf(500, 120)).toBe(1);
  });

  it("is 0 when the duration or time is unknown", () => {
    expect(fractionOf(10, 0)).toBe(0);
    expect(fractionOf(10, Number.NaN)).toBe(0);
    expect(fractionOf(Number.NaN, 60)).toBe(0);
  });
});

describe("placeNoteMarkers", () => {
  it("orders by time and puts notes far apart on the first lane", () => {
    const markers = placeNoteMarkers([note("b", 60), note("a", 6)], 120);
    expect(markers.map((m) => [m.note.id, m.at, m.lane])).toEqual([
      ["a", 0.05, 0],
      ["b", 0.5, 0],
    ]);
    expect(laneCount(markers)).toBe(1);
  });

  it("stacks notes closer than the gap on the next lanes, and reuses a lane once it is far enough", () => {
    const markers = placeNoteMarkers([note("a", 10), note("b", 10.5), note("c", 11), note("d", 30)], 100, {
      minGap: 0.02,
      lanes: 3,
    });
    expect(markers.map((m) => m.lane)).toEqual([0, 1, 2, 0]);
    expect(laneCount(markers)).toBe(3);
  });

  it("with every lane taken nearby, uses the lane whose last marker is furthest back", () => {
    const markers = placeNoteMarkers([note("a", 10), note("b", 10.2), note("c", 10.4)], 100, { minGap: 0.05, lanes: 2 });
    expect(markers.map((m) => m.lane)).toEqual([0, 1, 0]);
  });

  it("keeps notes past the end (or before the start) on the track", () => {
    const markers = placeNoteMarkers([note("late", 130), note("early", -1)], 120);
    expect(markers.map((m) => m.at)).toEqual([0, 1]);
  });

  it("has one lane for no notes", () => {
    expect(placeNoteMarkers([], 60)).toEqual([]);
    expect(laneCount([])).toBe(1);
  });
});
