import { useEffect, useRef, useState, type ReactNode } from "react";
import type { PoseMessage } from "../../live/feedback";
import { drawSkeleton, skeletonGeometry } from "../../live/skeleton";

const OVERLAY_STALE_MS = 1500;

/** The speaker's video as the coach receives it (not mirrored), with the pose skeleton and a sound switch. */
export function RemoteView({ stream, pose, children }: { stream: MediaStream | null; pose: PoseMessage | null; children?: ReactNode }) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [muted, setMuted] = useState(true);

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
    drawSkeleton(ctx, skeletonGeometry(pose?.person_visible ? pose.keypoints : null, width, height, false), width, height);
    const timer = setTimeout(() => ctx.clearRect(0, 0, canvas.width, canvas.height), OVERLAY_STALE_MS);
    return () => clearTimeout(timer);
  }, [pose]);

  return (
    <div className="self-view remote-view" data-person={pose === null ? "unknown" : pose.person_visible ? "visible" : "absent"}>
      <video id="remote" ref={videoRef} autoPlay muted={muted} playsInline aria-label="The speaker's camera" />
      <canvas ref={canvasRef} aria-hidden="true" />
      {!stream && <div className="self-view-empty">Waiting for the speaker's video…</div>}
      {children}
      <button type="button" className="btn btn-secondary remote-sound" aria-pressed={!muted} onClick={() => setMuted(!muted)}>
        {muted ? "Turn sound on" : "Mute"}
      </button>
    </div>
  );
}
