import { describe, expect, it } from "vitest";
import type { AlertMessage } from "./feedback";
import { advanceNudges, EMPTY_NUDGES, HOLD_MS, msUntilNext, receiveAlert, type NudgeState } from "./nudges";

const alert = (code: string, state: "fired" | "cleared" = "fired"): AlertMessage => ({
  v: 1,
  type: "alert",
  t_s: 1,
  code,
  message: `message ${code}`,
  state,
});

describe("nudge queue", () => {
  it("shows the first alert at once", () => {
    const s = receiveAlert(EMPTY_NUDGES, alert("a"), 1000);
    expect(s.current).toEqual({ code: "a", message: "message a", shownAt: 1000 });
    expect(s.waiting).toEqual([]);
  });

  it("holds the current nudge before the next one shows", () => {
    let s = receiveAlert(EMPTY_NUDGES, alert("a"), 0);
    s = receiveAlert(s, alert("b"), 500);
    expect(s.current?.code).toBe("a");
    expect(s.waiting.map((n) => n.code)).toEqual(["b"]);
    expect(advanceNudges(s, HOLD_MS - 1).current?.code).toBe("a");
    const next = advanceNudges(s, HOLD_MS);
    expect(next.current).toEqual({ code: "b", message: "message b", shownAt: HOLD_MS });
    expect(next.waiting).toEqual([]);
  });

  it("clears the screen after the hold when nothing waits", () => {
    const s = receiveAlert(EMPTY_NUDGES, alert("a"), 0);
    expect(advanceNudges(s, HOLD_MS).current).toBeNull();
  });

  it("does not repeat an alert already on screen or queue one twice", () => {
    let s = receiveAlert(EMPTY_NUDGES, alert("a"), 0);
    s = receiveAlert(s, alert("a"), 100);
    s = receiveAlert(s, alert("b"), 200);
    s = receiveAlert(s, alert("b"), 300);
    expect(s.current?.shownAt).toBe(0);
    expect(s.waiting.map((n) => n.code)).toEqual(["b"]);
  });

  it("drops a waiting alert that cleared before its turn", () => {
    let s = receiveAlert(EMPTY_NUDGES, alert("a"), 0);
    s = receiveAlert(s, alert("b"), 100);
    s = receiveAlert(s, alert("b", "cleared"), 200);
    expect(advanceNudges(s, HOLD_MS).current).toBeNull();
  });

  it("keeps only the newest few waiting", () => {
    let s: NudgeState = receiveAlert(EMPTY_NUDGES, alert("first"), 0);
    for (const code of ["b", "c", "d", "e", "f"]) s = receiveAlert(s, alert(code), 10);
    expect(s.waiting.map((n) => n.code)).toEqual(["d", "e", "f"]);
  });

  it("says how long until the next may show", () => {
    const s = receiveAlert(EMPTY_NUDGES, alert("a"), 1000);
    expect(msUntilNext(s, 1500)).toBe(HOLD_MS - 500);
    expect(msUntilNext(EMPTY_NUDGES, 1500)).toBeNull();
  });
});
