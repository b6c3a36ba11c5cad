import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { ShareForm } from "./ShareForm";

const sessions = [{ value: "s1", label: "Quarterly review" }];

describe("ShareForm", () => {
  it("shares all sessions with comment permission by default", () => {
    const onShare = vi.fn();
    render(<ShareForm sessions={sessions} onShare={onShare} />);
    fireEvent.change(screen.getByLabelText("Coach's email"), { target: { value: " grace@example.com " } });
    fireEvent.click(screen.getByRole("button", { name: "Share" }));
    expect(onShare).toHaveBeenCalledWith({ coach_email: "grace@example.com", session_id: null, permission: "comment" });
    expect(screen.getByLabelText("Coach's email")).toHaveValue("");
  });

  it("shares one session view-only", () => {
    const onShare = vi.fn();
    render(<ShareForm sessions={sessions} onShare={onShare} />);
    fireEvent.change(screen.getByLabelText("Coach's email"), { target: { value: "grace@example.com" } });
    fireEvent.change(screen.getByLabelText("What to share"), { target: { value: "s1" } });
    fireEvent.change(screen.getByLabelText("Permission"), { target: { value: "view" } });
    fireEvent.click(screen.getByRole("button", { name: "Share" }));
    expect(onShare).toHaveBeenCalledWith({ coach_email: "grace@example.com", session_id: "s1", permission: "view" });
  });

  it("refuses an address that is not an email, saying why", () => {
    const onShare = vi.fn();
    render(<ShareForm sessions={sessions} onShare={onShare} />);
    fireEvent.change(screen.getByLabelText("Coach's email"), { target: { value: "grace" } });
    fireEvent.click(screen.getByRole("button", { name: "Share" }));
    expect(onShare).not.toHaveBeenCalled();
    expect(screen.getByText(/Enter the coach's email address/)).toBeInTheDocument();
    expect(screen.getByLabelText("Coach's email")).toHaveAttribute("aria-invalid", "true");
  });
});
