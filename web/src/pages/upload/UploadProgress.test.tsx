import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { UploadProgress } from "./UploadProgress";
import type { UploadPhase } from "./uploadModel";

function show(phase: UploadPhase) {
  const handlers = { onPause: vi.fn(), onResume: vi.fn(), onCancel: vi.fn() };
  render(<UploadProgress phase={phase} {...handlers} />);
  return handlers;
}

describe("UploadProgress", () => {
  it("shows how far the upload is, with pause and cancel", () => {
    const handlers = show({ kind: "uploading", fileName: "talk.webm", sent: 35_000_000, total: 100_000_000, resumed: false });
    const bar = screen.getByRole("progressbar", { name: "Uploading talk.webm" });
    expect(bar).toHaveAttribute("aria-valuenow", "35");
    expect(screen.getByText("35 % · 35.0 MB of 100 MB")).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Pause" }));
    expect(handlers.onPause).toHaveBeenCalledOnce();
  });

  it("says when it continues an earlier upload", () => {
    show({ kind: "uploading", fileName: "talk.webm", sent: 0, total: 10, resumed: true });
    expect(screen.getByText(/continuing where it stopped/)).toBeInTheDocument();
  });

  it("offers resume when paused", () => {
    const handlers = show({ kind: "paused", fileName: "talk.webm", sent: 5, total: 10 });
    expect(screen.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "50");
    fireEvent.click(screen.getByRole("button", { name: "Resume" }));
    expect(handlers.onResume).toHaveBeenCalledOnce();
  });

  it("shows the server's check once every byte is sent", () => {
    show({ kind: "processing", fileName: "talk.webm", total: 10 });
    expect(screen.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "100");
    expect(screen.getByText("Checking the recording…")).toBeInTheDocument();
  });

  it("shows a rejection in words without a retry once everything was sent", () => {
    show({ kind: "failed", fileName: "notes.webm", message: "This file is not a recording Podium can read.", sent: 10, total: 10 });
    expect(screen.getByRole("alert")).toHaveTextContent("notes.webm: This file is not a recording Podium can read.");
    expect(screen.queryByRole("button", { name: "Try again" })).toBeNull();
    expect(screen.getByRole("button", { name: "Choose another file" })).toBeInTheDocument();
  });

  it("offers to try again after a network failure part-way", () => {
    const handlers = show({ kind: "failed", fileName: "talk.webm", message: "offline", sent: 4, total: 10 });
    fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(handlers.onResume).toHaveBeenCalledOnce();
  });
});
