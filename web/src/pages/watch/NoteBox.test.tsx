import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { NoteBox } from "./NoteBox";

describe("NoteBox", () => {
  it("n stamps the current moment; Enter sends the note with that time, not the later one", () => {
    const onNote = vi.fn();
    let t = 12.34;
    render(<NoteBox now={() => t} onNote={onNote} />);
    fireEvent.keyDown(window, { key: "n" });
    const box = screen.getByRole("textbox", { name: /^Note/ });
    expect(box).toHaveFocus();
    expect(screen.getByText("at 0:12")).toBeInTheDocument();
    t = 20;
    fireEvent.change(box, { target: { value: "slow down here" } });
    fireEvent.keyDown(box, { key: "Enter" });
    expect(onNote).toHaveBeenCalledWith({ t_s: 12.3, text: "slow down here", tag: null });
    expect(box).toHaveValue("");
  });

  it("typing n inside the box is text, and starts the stamp at the first keystroke", () => {
    const onNote = vi.fn();
    let t = 5;
    render(<NoteBox now={() => t} onNote={onNote} />);
    const box = screen.getByRole("textbox", { name: /^Note/ });
    fireEvent.keyDown(box, { key: "n" });
    fireEvent.change(box, { target: { value: "n" } });
    t = 9;
    fireEvent.change(box, { target: { value: "nice opening" } });
    fireEvent.keyDown(box, { key: "Enter" });
    expect(onNote).toHaveBeenCalledWith({ t_s: 5, text: "nice opening", tag: null });
  });

  it("a quick tag goes with the note, and alone becomes the note's text", () => {
    const onNote = vi.fn();
    render(<NoteBox now={() => 30} onNote={onNote} />);
    fireEvent.click(screen.getByRole("button", { name: "Eye contact" }));
    expect(screen.getByRole("button", { name: "Eye contact" })).toHaveAttribute("aria-pressed", "true");
    fireEvent.click(screen.getByRole("button", { name: "Send note" }));
    expect(onNote).toHaveBeenCalledWith({ t_s: 30, text: "Eye contact", tag: "eye_contact" });

    fireEvent.click(screen.getByRole("button", { name: "Pace" }));
    const box = screen.getByRole("textbox", { name: /^Note/ });
    fireEvent.change(box, { target: { value: "too fast" } });
    fireEvent.keyDown(box, { key: "Enter" });
    expect(onNote).toHaveBeenLastCalledWith({ t_s: 30, text: "too fast", tag: "pace" });
  });

  it("Enter with nothing written sends nothing", () => {
    const onNote = vi.fn();
    render(<NoteBox now={() => 1} onNote={onNote} />);
    fireEvent.keyDown(screen.getByRole("textbox", { name: /^Note/ }), { key: "Enter" });
    expect(onNote).not.toHaveBeenCalled();
  });

  it("view-only: the box and tags are disabled and say why; n does nothing", () => {
    const onNote = vi.fn();
    render(<NoteBox now={() => 1} onNote={onNote} disabledReason="You can watch but not write notes." />);
    const box = screen.getByRole("textbox", { name: /^Note/ });
    expect(box).toBeDisabled();
    expect(box).toHaveAccessibleDescription("You can watch but not write notes.");
    expect(screen.getByRole("button", { name: "Pace" })).toBeDisabled();
    fireEvent.keyDown(window, { key: "n" });
    expect(box).not.toHaveFocus();
    expect(onNote).not.toHaveBeenCalled();
  });
});
