import { describe, expect, it } from "vitest";
import { parseNote } from "./noteMessage";

describe("parseNote", () => {
  it("reads the README's note message", () => {
    const raw = '{"v":1,"type":"note","t_s":41.2,"id":"8b","author":"coach@example.com","text":"slow down here","tag":"pace"}';
    expect(parseNote(raw)).toEqual({
      type: "note",
      id: "8b",
      t_s: 41.2,
      author: "coach@example.com",
      text: "slow down here",
      tag: "pace",
    });
  });

  it("ignores other messages and malformed notes", () => {
    expect(parseNote('{"v":1,"type":"voice","t_s":1}')).toBeNull();
    expect(parseNote('{"type":"note","id":"x","text":"no time"}')).toBeNull();
    expect(parseNote("not json note")).toBeNull();
    expect(parseNote(42)).toBeNull();
  });
});
