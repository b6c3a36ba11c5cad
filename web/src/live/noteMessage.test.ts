import { describe, expect, it } from "vitest";
import { addLiveNote, parseNote, type NoteMessage } from "./noteMessage";

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

  it("a note without tag or author is still a note", () => {
    expect(parseNote('{"v":1,"type":"note","t_s":3,"id":"a","text":"good","tag":null}')).toEqual({
      type: "note",
      id: "a",
      t_s: 3,
      author: "",
      text: "good",
      tag: null,
    });
  });

  it("ignores other messages and malformed notes", () => {
    expect(parseNote('{"v":1,"type":"voice","t_s":1}')).toBeNull();
    expect(parseNote('{"v":1,"type":"speech","t_s":1,"text":"a note","id":"x"}')).toBeNull();
    expect(parseNote('{"type":"note","id":"x","text":"no time"}')).toBeNull();
    expect(parseNote('{"type":"note","id":"x","t_s":"1","text":"time as a string"}')).toBeNull();
    expect(parseNote('{"type":"note","id":7,"t_s":1,"text":"numeric id"}')).toBeNull();
    expect(parseNote('["note"]')).toBeNull();
    expect(parseNote("not json note")).toBeNull();
    expect(parseNote(42)).toBeNull();
  });
});

function note(id: string, t_s = 1): NoteMessage {
  return { type: "note", id, t_s, author: "c@example.com", text: id, tag: null };
}

describe("addLiveNote", () => {
  it("puts the newest arrival first and keeps each id once", () => {
    let notes = addLiveNote([], note("a"));
    notes = addLiveNote(notes, note("b"));
    notes = addLiveNote(notes, note("a"));
    expect(notes.map((n) => n.id)).toEqual(["b", "a"]);
  });

  it("keeps at most `keep` notes, dropping the oldest arrivals", () => {
    let notes: NoteMessage[] = [];
    for (const id of ["1", "2", "3", "4"]) notes = addLiveNote(notes, note(id), 3);
    expect(notes.map((n) => n.id)).toEqual(["4", "3", "2"]);
  });
});
