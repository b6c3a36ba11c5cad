import { useCallback, useEffect, useRef, useState } from "react";

export interface Playback {
  /** Callback ref for the <video>. */
  readonly attachVideo: (element: HTMLVideoElement | null) => void;
  /** The video's current time, seconds (updated at least at every `timeupdate`, every frame while playing). */
  readonly currentTime: number;
  /** Move the video to `t` seconds. */
  readonly seek: (t: number) => void;
  /** Scroll the video into view and give it the keyboard focus. */
  readonly reveal: () => void;
}

const MIN_STEP_S = 0.05;

/** Tracks a video element's time for the transcript highlight and the chart playheads. */
export function usePlayback(): Playback {
  const [video, setVideo] = useState<HTMLVideoElement | null>(null);
  const element = useRef<HTMLVideoElement | null>(null);
  const [currentTime, setCurrentTime] = useState(0);

  const attachVideo = useCallback((node: HTMLVideoElement | null) => {
    element.current = node;
    setVideo(node);
  }, []);

  useEffect(() => {
    if (!video) return;
    let frame = 0;
    const read = () => setCurrentTime((old) => (Math.abs(old - video.currentTime) >= MIN_STEP_S ? video.currentTime : old));
    const tick = () => {
      read();
      frame = requestAnimationFrame(tick);
    };
    const onPlay = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(tick);
    };
    const onStop = () => {
      cancelAnimationFrame(frame);
      read();
    };
    const events: [string, () => void][] = [
      ["timeupdate", read],
      ["seeked", read],
      ["playing", onPlay],
      ["pause", onStop],
      ["ended", onStop],
    ];
    for (const [name, handler] of events) video.addEventListener(name, handler);
    return () => {
      cancelAnimationFrame(frame);
      for (const [name, handler] of events) video.removeEventListener(name, handler);
    };
  }, [video]);

  const seek = useCallback((t: number) => {
    const target = Math.max(0, t);
    if (element.current) element.current.currentTime = target;
    setCurrentTime(target);
  }, []);

  const reveal = useCallback(() => {
    element.current?.scrollIntoView?.({ block: "nearest" });
    element.current?.focus();
  }, []);

  return { attachVideo, currentTime, seek, reveal };
}
