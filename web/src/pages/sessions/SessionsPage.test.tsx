import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { SessionOut } from "../../api/types";
import { SessionsPage } from "./SessionsPage";

function session(over: Partial<SessionOut>): SessionOut {
  return {
    id: "s1",
    title: "Talk",
    source: "live",
    state: "analyzed",
    failure_reason: null,
    created_at: "2026-12-01T10:00:00Z",
    started_at: "2026-12-01T10:00:00Z",
    ended_at: "2026-12-01T10:05:00Z",
    whip_url: "/api/v1/sessions/s1/whip",
    events_url: "/api/v1/sessions/s1/events",
    overall_score: null,
    whep_url: "",
    access: "owner",
    owner_email: "me@example.com",
    live_notes: true,
    duration_s: null,
    ...over,
  };
}

function renderWith(items: SessionOut[]) {
  vi.stubGlobal(
    "fetch",
    vi.fn(async () => new Response(JSON.stringify({ items, limit: 20, offset: 0 }), { status: 200 })),
  );
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={["/sessions"]}>
        <SessionsPage />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

afterEach(() => vi.unstubAllGlobals());

describe("SessionsPage", () => {
  it("marks shared sessions by owner and links live ones, own or shared, to Watch", async () => {
    renderWith([
      session({ id: "live-shared", title: "Pitch", state: "live", access: "comment", owner_email: "ada@example.com" }),
      session({ id: "live-mine", title: "Mine", state: "live" }),
      session({ id: "done-shared", title: "Old", access: "view", owner_email: "ada@example.com" }),
    ]);
    const rows = (await screen.findAllByRole("row")).slice(1);
    expect(rows).toHaveLength(3);
    const [liveShared, liveMine, doneShared] = rows as [HTMLElement, HTMLElement, HTMLElement];
    expect(within(liveShared).getByText("Shared by ada@example.com · you can comment")).toBeInTheDocument();
    expect(within(liveShared).getByRole("link", { name: "Watch “Pitch” live" })).toHaveAttribute("href", "/watch/live-shared");
    expect(within(liveShared).queryByRole("button", { name: /Delete/ })).toBeNull();
    expect(within(liveMine).getByRole("link", { name: "Watch “Mine” live" })).toHaveAttribute("href", "/watch/live-mine");
    expect(within(liveMine).queryByText(/Shared by/)).toBeNull();
    expect(within(doneShared).getByText("Shared by ada@example.com · view only")).toBeInTheDocument();
    expect(within(doneShared).queryByRole("link", { name: /Watch/ })).toBeNull();
  });

  it("shows an uploaded recording's duration (it has no start and end times), else the live session's span", async () => {
    renderWith([
      session({ id: "up", title: "Uploaded", source: "upload", started_at: null, ended_at: null, duration_s: 754.4 }),
      session({ id: "live", title: "Live" }),
      session({ id: "new", title: "New", source: "upload", started_at: null, ended_at: null }),
    ]);
    const rows = (await screen.findAllByRole("row")).slice(1);
    const durations = rows.map((row) => row.querySelector("[data-label='Duration']")?.textContent);
    expect(durations).toEqual(["12 min 34 s", "5 min", "—"]);
  });
});
