import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { CoachNotes } from "./CoachNotes";
import type { NoteMessage } from "./noteMessage";

const note = (id: string, t_s: number, text: string, tag: string | null): NoteMessage => ({
  type: "note",
  id,
  t_s,
  author: "coach@example.com",
  text,
  tag,
});

describe("CoachNotes", () => {
  it("is a live log that says where notes will appear before any arrives", () => {
    render(<CoachNotes notes={[]} />);
    const log = screen.getByRole("log", { name: "From your coach" });
    expect(log).toHaveTextContent("Notes from a coach watching you appear here.");
  });

  it("shows each note with its time, tag in words, text and author, in the order given (newest first)", () => {
    render(<CoachNotes notes={[note("b", 75.4, "great close", "great"), note("a", 12.3, "look up", "eye_contact")]} />);
    const items = within(screen.getByRole("log")).getAllByRole("listitem");
    expect(items.map((li) => li.textContent)).toEqual([
      "1:15Greatgreat closecoach@example.com",
      "0:12Eye contactlook upcoach@example.com",
    ]);
  });
});
