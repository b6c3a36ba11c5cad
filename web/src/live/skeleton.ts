// Geometry of the pose overlay: keypoints (normalised [x, y, visibility]) to canvas points and bones.
import type { Keypoint } from "./feedback";

export const BONES: readonly (readonly [string, string])[] = [
  ["left_shoulder", "right_shoulder"],
  ["left_shoulder", "left_hip"],
  ["right_shoulder", "right_hip"],
  ["left_hip", "right_hip"],
  ["left_shoulder", "left_elbow"],
  ["left_elbow", "left_wrist"],
  ["right_shoulder", "right_elbow"],
  ["right_elbow", "right_wrist"],
  ["left_shoulder", "left_wrist"],
  ["right_shoulder", "right_wrist"],
];

export const MIN_VISIBILITY = 0.5;

export interface Point {
  x: number;
  y: number;
}

export interface Skeleton {
  joints: Map<string, Point>;
  bones: [Point, Point][];
}

/**
 * Canvas coordinates of the visible keypoints and the bones between them. `mirror` flips x, to match a
 * mirrored self-view. A direct shoulder–wrist bone is only drawn when there is no elbow between them.
 */
export function skeletonGeometry(
  keypoints: Record<string, Keypoint> | null,
  width: number,
  height: number,
  mirror: boolean,
  minVisibility = MIN_VISIBILITY,
): Skeleton {
  const joints = new Map<string, Point>();
  for (const [name, [x, y, visibility]] of Object.entries(keypoints ?? {})) {
    if (visibility < minVisibility) continue;
    joints.set(name, { x: (mirror ? 1 - x : x) * width, y: y * height });
  }
  const bones: [Point, Point][] = [];
  for (const [a, b] of BONES) {
    const side = a.startsWith("left") ? "left" : "right";
    if (b.endsWith("wrist") && a.endsWith("shoulder") && joints.has(`${side}_elbow`)) continue;
    const pa = joints.get(a);
    const pb = joints.get(b);
    if (pa && pb) bones.push([pa, pb]);
  }
  return { joints, bones };
}

/** Draw a skeleton on a 2D context (cleared first). */
export function drawSkeleton(ctx: CanvasRenderingContext2D, skeleton: Skeleton, width: number, height: number): void {
  ctx.clearRect(0, 0, width, height);
  const scale = Math.max(2, width / 200);
  ctx.lineCap = "round";
  ctx.lineWidth = scale * 1.5;
  ctx.strokeStyle = "rgba(255, 200, 40, 0.9)";
  for (const [a, b] of skeleton.bones) {
    ctx.beginPath();
    ctx.moveTo(a.x, a.y);
    ctx.lineTo(b.x, b.y);
    ctx.stroke();
  }
  ctx.fillStyle = "rgba(60, 210, 255, 0.95)";
  for (const p of skeleton.joints.values()) {
    ctx.beginPath();
    ctx.arc(p.x, p.y, scale * 2, 0, 2 * Math.PI);
    ctx.fill();
  }
}
