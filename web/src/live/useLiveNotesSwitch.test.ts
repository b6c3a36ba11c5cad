import { renderHook, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { SessionOut } from "../api/types";
import { useLiveNotesSwitch } from "./useLiveNotesSwitch";

const SESSION = { id: "s1", live_notes: true } as SessionOut;

function stubPatch() {
  const bodies: unknown[] = [];
  const fetch = vi.fn(async (_url: string, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body)) as { live_notes: boolean };
    bodies.push(body);
    return new Response(JSON.stringify({ ...SESSION, live_notes: body.live_notes }), {
      status: 200,
      headers: { "Content-Type": "application/json" },
    });
  });
  vi.stubGlobal("fetch", fetch);
  return { fetch, bodies };
}

afterEach(() => vi.unstubAllGlobals());

describe("useLiveNotesSwitch", () => {
  it("PATCHes only when the speaker's choice differs from the session's, once per change", async () => {
    const { fetch, bodies } = stubPatch();
    const { rerender } = renderHook(({ wanted }) => useLiveNotesSwitch(SESSION, wanted, true), {
      initialProps: { wanted: true },
    });
    expect(fetch).not.toHaveBeenCalled();
    rerender({ wanted: false });
    await waitFor(() => expect(bodies).toEqual([{ live_notes: false }]));
    rerender({ wanted: false });
    rerender({ wanted: true });
    await waitFor(() => expect(bodies).toEqual([{ live_notes: false }, { live_notes: true }]));
    expect(fetch.mock.calls[0]?.[0]).toBe("/api/v1/sessions/s1");
    expect(fetch.mock.calls[0]?.[1]?.method).toBe("PATCH");
  });

  it("does nothing without a session in progress", () => {
    const { fetch } = stubPatch();
    renderHook(() => useLiveNotesSwitch(null, false, true));
    renderHook(() => useLiveNotesSwitch(SESSION, false, false));
    expect(fetch).not.toHaveBeenCalled();
  });
});
