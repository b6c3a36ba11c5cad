import { describe, expect, it } from "vitest";
import { addSpeech, EMPTY_CAPTIONS } from "./transcript";

describe("addSpeech", () => {
  it("appends committed words and replaces the interim tail", () => {
    const steps = [
      { text: "good morning", interim: "every", final: false },
      { text: "", interim: "everyone and", final: false },
      { text: "everyone and", interim: "", final: false },
      { text: "thank you", interim: "ignored", final: true },
    ];
    const seen = [];
    let captions = EMPTY_CAPTIONS;
    for (const step of steps) {
      captions = addSpeech(captions, step, 4);
      seen.push([captions.committed.join(" "), captions.interim]);
    }
    expect(seen).toEqual([
      ["good morning", "every"],
      ["good morning", "everyone and"],
      ["good morning everyone and", ""],
      ["everyone and thank you", ""],
    ]);
  });
});
