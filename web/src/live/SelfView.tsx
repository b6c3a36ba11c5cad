import { useEffect, useRef, useState, type ReactNode } from "react";
import type { PoseMessage } from "./feedback";
import { drawSkeleton, skeletonGeometry } from "./skeleton";

const OVERLAY_STALE_MS = 1500;

export interface SelfViewProps {
  stream: MediaStream | null;
  pose: PoseMessage | null;
  /** Mirror the video and the skeleton, like a mirror (what people expect of a self-view). */
  mirror?: boolean;
  children?: ReactNode;
}

/** The camera self-view with the pose skeleton drawn over it. */
export function SelfView({ stream, pose, mirror = true, children }: SelfViewProps) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const [joints, setJoints] = useState(0);
  const canvasRef = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const video = videoRef.current;
    if (video && video.srcObject !== stream) video.srcObject = stream;
  }, [stream]);

  useEffect(() => {
    const canvas = canvasRef.current;
    const video = videoRef.current;
    const ctx = canvas?.getContext("2d");
    if (!canvas || !video || !ctx) return;
    const width = video.videoWidth || canvas.clientWidth || 640;
    const height = video.videoHeight || canvas.clientHeight || 480;
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    const keypoints = pose?.person_visible ? pose.keypoints : null;
    const skeleton = skeletonGeometry(keypoints, width, height, mirror);
    drawSkeleton(ctx, skeleton, width, height);
    const drawn = requestAnimationFrame(() => setJoints(skeleton.joints.size));
    const timer = setTimeout(() => {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      setJoints(0);
    }, OVERLAY_STALE_MS);
    return () => {
      cancelAnimationFrame(drawn);
      clearTimeout(timer);
    };
  }, [pose, mirror]);

  return (
    <div
      className={`self-view${mirror ? " mirrored" : ""}`}
      data-person={pose === null ? "unknown" : pose.person_visible ? "visible" : "absent"}
      data-joints={joints}
    >
      <video id="preview" ref={videoRef} autoPlay muted playsInline aria-label="Your camera" />
      <canvas id="overlay" ref={canvasRef} aria-hidden="true" />
      {!stream && <div className="self-view-empty">Camera off</div>}
      {children}
    </div>
  );
}
