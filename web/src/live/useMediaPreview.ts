// The camera + microphone stream for the self-view (and for publishing), and the devices to choose from.
import { useCallback, useEffect, useState } from "react";
import { listDevices, mediaConstraints, type DeviceLists, type MediaChoice } from "./devices";

export interface MediaPreview {
  stream: MediaStream | null;
  devices: DeviceLists;
  error: Error | null;
  /** Ask again (after the person allowed access in the browser's settings, say). */
  retry: () => void;
}

function mediaError(err: unknown): Error {
  if (err instanceof DOMException) {
    if (err.name === "NotAllowedError") {
      return new Error("Camera and microphone access was refused. Allow it in your browser's site settings.");
    }
    if (err.name === "NotFoundError" || err.name === "OverconstrainedError") {
      return new Error("No camera or microphone was found (or the chosen one is gone).");
    }
    if (err.name === "NotReadableError") return new Error("The camera or microphone is in use by another program.");
  }
  return err instanceof Error ? err : new Error(String(err));
}

/** Holds one stream for `choice`; a new choice replaces it (the page keeps the choice fixed while live). */
export function useMediaPreview(choice: MediaChoice): MediaPreview {
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [devices, setDevices] = useState<DeviceLists>({ cameras: [], microphones: [] });
  const [error, setError] = useState<Error | null>(null);
  const [attempt, setAttempt] = useState(0);
  const { cameraId, microphoneId, rawAudio } = choice;

  useEffect(() => {
    let cancelled = false;
    let acquired: MediaStream | null = null as MediaStream | null;
    const open = async () => {
      if (!navigator.mediaDevices?.getUserMedia) {
        throw new Error("This page needs a secure context (https or localhost) and a browser with WebRTC.");
      }
      const opened = await navigator.mediaDevices.getUserMedia(mediaConstraints({ cameraId, microphoneId, rawAudio }));
      if (cancelled) {
        for (const track of opened.getTracks()) track.stop();
        return;
      }
      acquired = opened;
      setStream(acquired);
      setError(null);
      setDevices(await listDevices());
    };
    open().catch((err: unknown) => {
      if (!cancelled) {
        setStream(null);
        setError(mediaError(err));
      }
    });
    return () => {
      cancelled = true;
      for (const track of acquired?.getTracks() ?? []) track.stop();
    };
  }, [cameraId, microphoneId, rawAudio, attempt]);

  useEffect(() => {
    const media = navigator.mediaDevices;
    if (!media?.addEventListener) return;
    const refresh = () => void listDevices().then(setDevices);
    media.addEventListener("devicechange", refresh);
    return () => media.removeEventListener("devicechange", refresh);
  }, []);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { stream, devices, error, retry };
}
