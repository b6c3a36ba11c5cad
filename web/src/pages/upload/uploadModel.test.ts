import { describe, expect, it } from "vitest";
import { fileProblem, formatBytes, percent, uploadErrorMessage, uploadReducer, type UploadPhase } from "./uploadModel";

describe("fileProblem", () => {
  it("accepts audio and video by type or extension", () => {
    expect(fileProblem({ name: "talk.webm", size: 10, type: "video/webm" })).toBeNull();
    expect(fileProblem({ name: "talk.MKV", size: 10, type: "" })).toBeNull();
    expect(fileProblem({ name: "voice", size: 10, type: "audio/wav" })).toBeNull();
  });

  it("explains empty, too large and non-media files", () => {
    expect(fileProblem({ name: "a.webm", size: 0, type: "video/webm" })).toMatch(/empty/);
    expect(fileProblem({ name: "a.webm", size: 3e9, type: "video/webm" }, 2e9)).toMatch(/3.0 GB.*2.0 GB/);
    expect(fileProblem({ name: "notes.pdf", size: 10, type: "application/pdf" })).toMatch(/audio or video/);
  });
});

describe("formatBytes and percent", () => {
  it("formats sizes", () => {
    expect(formatBytes(532)).toBe("532 B");
    expect(formatBytes(4_200_000)).toBe("4.2 MB");
    expect(formatBytes(250_000_000)).toBe("250 MB");
  });

  it("clamps percentages", () => {
    expect(percent(50, 200)).toBe(25);
    expect(percent(5, 0)).toBe(0);
    expect(percent(300, 200)).toBe(100);
  });
});

describe("uploadErrorMessage", () => {
  const body = (message: string) => JSON.stringify({ error: { code: "x", message } });

  it("names each rejection in words with the server's reason", () => {
    expect(uploadErrorMessage(415, body("not a media file"))).toBe(
      "This file is not a recording Podium can read: choose an audio or video file. (not a media file)",
    );
    expect(uploadErrorMessage(422, body("no audio or video stream"))).toMatch(/truncated or empty.*no audio or video stream/);
    expect(uploadErrorMessage(413, body("too big"))).toMatch(/too large/);
  });

  it("survives a body that is not JSON", () => {
    expect(uploadErrorMessage(415, "<html>")).toBe(
      "This file is not a recording Podium can read: choose an audio or video file.",
    );
    expect(uploadErrorMessage(500, "")).toBe("The upload failed (HTTP 500).");
    expect(uploadErrorMessage(0, "")).toMatch(/could not be reached/);
    expect(uploadErrorMessage(409, body("busy"))).toBe("busy");
  });
});

describe("uploadReducer", () => {
  const idle: UploadPhase = { kind: "idle" };

  it("goes from uploading through pause and resume to done", () => {
    let phase = uploadReducer(idle, { type: "start", fileName: "talk.webm", total: 1000, resumed: false });
    phase = uploadReducer(phase, { type: "progress", sent: 400, total: 1000 });
    expect(phase).toMatchObject({ kind: "uploading", sent: 400 });
    phase = uploadReducer(phase, { type: "pause" });
    expect(phase).toEqual({ kind: "paused", fileName: "talk.webm", sent: 400, total: 1000 });
    phase = uploadReducer(phase, { type: "progress", sent: 500, total: 1000 });
    expect(phase.kind).toBe("paused");
    phase = uploadReducer(phase, { type: "resume" });
    expect(phase).toMatchObject({ kind: "uploading", sent: 400, resumed: true });
    phase = uploadReducer(phase, { type: "progress", sent: 1000, total: 1000 });
    expect(phase).toEqual({ kind: "processing", fileName: "talk.webm", total: 1000 });
    phase = uploadReducer(phase, { type: "success", sessionId: "s1" });
    expect(phase).toEqual({ kind: "done", fileName: "talk.webm", sessionId: "s1" });
  });

  it("keeps the bytes sent when it fails, and can retry", () => {
    let phase = uploadReducer(idle, { type: "start", fileName: "t.webm", total: 10, resumed: false });
    phase = uploadReducer(phase, { type: "progress", sent: 3, total: 10 });
    phase = uploadReducer(phase, { type: "error", message: "offline" });
    expect(phase).toEqual({ kind: "failed", fileName: "t.webm", message: "offline", sent: 3, total: 10 });
    expect(uploadReducer(phase, { type: "resume" })).toMatchObject({ kind: "uploading", sent: 3 });
    expect(uploadReducer(phase, { type: "reset" })).toEqual(idle);
  });
});
