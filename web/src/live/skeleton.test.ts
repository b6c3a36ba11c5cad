import { describe, expect, it } from "vitest";
import type { Keypoint } from "./feedback";
import { skeletonGeometry } from "./skeleton";

const pose: Record<string, Keypoint> = {
  nose: [0.5, 0.2, 0.99],
  left_shoulder: [0.6, 0.4, 0.99],
  right_shoulder: [0.4, 0.4, 0.98],
  left_wrist: [0.7, 0.7, 0.3],
  right_wrist: [0.3, 0.7, 0.9],
  left_hip: [0.58, 0.8, 0.9],
  right_hip: [0.42, 0.8, 0.9],
};

describe("skeletonGeometry", () => {
  it("scales normalised points to the canvas and skips hidden ones", () => {
    const s = skeletonGeometry(pose, 200, 100, false);
    expect(s.joints.get("nose")).toEqual({ x: 100, y: 20 });
    expect(s.joints.get("left_shoulder")).toEqual({ x: 120, y: 40 });
    expect(s.joints.has("left_wrist")).toBe(false);
  });

  it("mirrors x for a mirrored self-view", () => {
    const s = skeletonGeometry(pose, 200, 100, true);
    expect(s.joints.get("left_shoulder")?.x).toBeCloseTo(80);
    expect(s.joints.get("left_shoulder")?.y).toBeCloseTo(40);
  });

  it("draws bones only between visible joints", () => {
    const s = skeletonGeometry(pose, 100, 100, false);
    // shoulders, both sides, hips, right shoulder–wrist; the left wrist is not visible.
    expect(s.bones).toHaveLength(5);
    const ends = s.bones.map(([a, b]) => [a.x, a.y, b.x, b.y].map(Math.round));
    expect(ends).toContainEqual([40, 40, 30, 70]);
    expect(ends).not.toContainEqual([60, 40, 70, 70]);
  });

  it("goes through the elbow when there is one", () => {
    const withElbow = { ...pose, right_elbow: [0.35, 0.55, 0.9] as Keypoint };
    const s = skeletonGeometry(withElbow, 100, 100, false);
    const ends = s.bones.map(([a, b]) => [a.x, a.y, b.x, b.y].map(Math.round));
    expect(ends).toContainEqual([40, 40, 35, 55]);
    expect(ends).toContainEqual([35, 55, 30, 70]);
    expect(ends).not.toContainEqual([40, 40, 30, 70]);
  });

  it("is empty without keypoints", () => {
    const s = skeletonGeometry(null, 100, 100, true);
    expect(s.joints.size).toBe(0);
    expect(s.bones).toEqual([]);
  });
});
