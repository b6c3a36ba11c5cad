import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Progress } from "../../api/progress";
import { ProgressPage } from "./ProgressPage";

const entry = (i: number, overall: number, fillers: number) => ({
  session_id: `s${i}`,
  title: `Talk ${i}`,
  at: `2026-11-0${i}T10:00:00+00:00`,
  overall,
  scores: { pace: 80, fillers: 60 },
  metrics: { fillers_per_min: fillers, wpm: 140 },
});

const progress: Progress = {
  sessions: 3,
  history: [entry(1, 60, 6), entry(2, 70, 4), entry(3, 80, 2.5)],
  trends: {
    overall: { slope: 10, direction: "improving", sessions: 3, latest: 80, mean: 70 },
    fillers_per_min: { slope: -1.75, direction: "improving", sessions: 3, latest: 2.5, mean: 4.17 },
  },
  personal_bests: { overall: { value: 80, session_id: "s3", at: "2026-11-03T10:00:00+00:00" } },
  goals: [
    {
      metric: "fillers_per_min",
      comparator: "lte",
      target: 3,
      current: 2.5,
      met_now: true,
      achieved: true,
      achieved_at: "2026-11-03T10:00:00+00:00",
      achieved_session_id: "s3",
    },
  ],
  milestones: [{ kind: "overall_score", at: "2026-11-03T10:00:00+00:00", session_id: "s3", text: "Overall score reached 70" }],
  latest_vs_previous: { overall: { value: 80, previous_mean: 65, previous_sessions: 2, delta: 15, better: true } },
};

const goals = {
  items: [{ metric: "fillers_per_min", comparator: "lte", target: 3, created_at: "2026-11-01T00:00:00Z", achieved_at: null }],
  metrics: { overall: "higher", fillers_per_min: "lower", wpm: "none", pace: "higher" },
};

function json(body: unknown, status = 200) {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

afterEach(() => vi.unstubAllGlobals());

function renderPage() {
  const fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
    if (url === "/api/v1/progress") return json(progress);
    if (url === "/api/v1/goals") return json(goals);
    if (url.startsWith("/api/v1/goals/") && init?.method === "PUT") return json({ ...goals.items[0] }, 201);
    if (url.startsWith("/api/v1/goals/") && init?.method === "DELETE") return new Response(null, { status: 204 });
    return json({ error: { code: "not_found", message: "nope" } }, 404);
  });
  vi.stubGlobal("fetch", fetchMock);
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter>
        <ProgressPage />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return fetchMock;
}

describe("ProgressPage", { timeout: 30_000 }, () => {
  it("shows the trend, the latest session against the average, bests, goals and milestones", async () => {
    renderPage();
    expect(await screen.findByText("3 analysed sessions.", undefined, { timeout: 20_000 })).toBeInTheDocument();
    expect(screen.getByText("improving")).toBeInTheDocument();
    expect(screen.getByText("+15 better")).toBeInTheDocument();
    expect(screen.getByText("Overall score reached 70")).toBeInTheDocument();
    expect(screen.getByText("met")).toBeInTheDocument();
  });

  it("creates a goal with PUT /api/v1/goals/{metric}", async () => {
    const fetchMock = renderPage();
    fireEvent.click(await screen.findByText("Add a goal", undefined, { timeout: 20_000 }));
    fireEvent.change(screen.getByLabelText("Metric", { selector: ".goal-form select" }), { target: { value: "overall" } });
    fireEvent.change(screen.getByLabelText("Target"), { target: { value: "85" } });
    fireEvent.click(screen.getByText("Save goal"));
    await waitFor(() =>
      expect(fetchMock).toHaveBeenCalledWith(
        "/api/v1/goals/overall",
        expect.objectContaining({ method: "PUT", body: JSON.stringify({ comparator: "gte", target: 85 }) }),
      ),
    );
  });

  it("deletes a goal after confirmation", async () => {
    const fetchMock = renderPage();
    fireEvent.click(await screen.findByLabelText("Delete the Fillers per minute goal", undefined, { timeout: 20_000 }));
    expect(fetchMock).not.toHaveBeenCalledWith("/api/v1/goals/fillers_per_min", expect.anything());
    fireEvent.click(screen.getByText("Delete goal"));
    await waitFor(() =>
      expect(fetchMock).toHaveBeenCalledWith("/api/v1/goals/fillers_per_min", expect.objectContaining({ method: "DELETE" })),
    );
  });
});
