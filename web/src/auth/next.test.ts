import { describe, expect, it } from "vitest";
import { DEFAULT_AFTER_SIGN_IN, safeNext, signInUrl } from "./next";

describe("safeNext", () => {
  it("keeps local paths", () => {
    expect(safeNext("/sessions/42?tab=body")).toBe("/sessions/42?tab=body");
  });

  it.each([null, "", "https://evil.example/", "//evil.example/x", "/\\evil.example", "/signin?next=/x", "sessions"])(
    "falls back to the practice page for %j",
    (next) => {
      expect(safeNext(next)).toBe(DEFAULT_AFTER_SIGN_IN);
    },
  );
});

describe("signInUrl", () => {
  it("carries the path to come back to", () => {
    expect(signInUrl("/sessions/7?x=1")).toBe("/signin?next=%2Fsessions%2F7%3Fx%3D1");
  });

  it("has no next for the root", () => {
    expect(signInUrl("/")).toBe("/signin");
  });
});
