import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, within } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import fixture from "../../api/fixtures/report.json";
import { ReviewPage } from "./ReviewPage";

const ID = fixture.session.id;

function respond(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function renderReview(routes: Record<string, () => Response>) {
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string) => {
      const handler = routes[url];
      return handler ? handler() : respond({ error: { code: "not_found", message: "no such thing" } }, 404);
    }),
  );
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[`/sessions/${ID}`]}>
        <Routes>
          <Route path="/sessions/:id" element={<ReviewPage />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

/** jsdom has no media playback: a currentTime that remembers what it was set to stands in for seeking. */
const seekTimes = new WeakMap<HTMLMediaElement, number>();
let original: PropertyDescriptor | undefined;

beforeEach(() => {
  original = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, "currentTime");
  Object.defineProperty(HTMLMediaElement.prototype, "currentTime", {
    configurable: true,
    get(this: HTMLMediaElement) {
      return seekTimes.get(this) ?? 0;
    },
    set(this: HTMLMediaElement, t: number) {
      seekTimes.set(this, t);
    },
  });
});

afterEach(() => {
  if (original) Object.defineProperty(HTMLMediaElement.prototype, "currentTime", original);
  vi.unstubAllGlobals();
});

const analysed = {
  [`/api/v1/sessions/${ID}`]: () => respond(fixture.session),
  [`/api/v1/sessions/${ID}/report`]: () => respond(fixture),
};

// A whole report page (five charts, the transcript) takes a while to render in jsdom on a busy machine.
const SLOW = { timeout: 40_000 };

describe("ReviewPage", { timeout: 60_000 }, () => {
  it("shows the overall score and every dimension with what it means, and the exports", async () => {
    renderReview(analysed);
    expect(await screen.findByText("Team update rehearsal", { selector: "h1" }, SLOW)).toBeInTheDocument();
    expect(screen.getByLabelText("Overall score")).toHaveTextContent("80");
    expect(screen.getByLabelText("Pace score")).toHaveTextContent("90");
    expect(screen.getByLabelText("Vocal variety score")).toHaveTextContent("52");
    expect(screen.getByText(/130–165 scores full marks/)).toBeInTheDocument();
    expect(screen.getByText("Export JSON")).toHaveAttribute("href", `/api/v1/sessions/${ID}/report.json`);
    expect(screen.getByText("Export CSV")).toHaveAttribute("href", `/api/v1/sessions/${ID}/report.csv`);
  });

  it("lists the recommendations with jump buttons that seek the recording", async () => {
    const { container } = renderReview(analysed);
    const list = await screen.findByText("Recommendations", { selector: "h2" }, SLOW);
    const card = list.closest("section") as HTMLElement;
    expect(within(card).getByText(/Slow down/, { selector: "h3" })).toBeInTheDocument();
    fireEvent.click(within(card).getByText("Jump to 1:10"));
    const video = container.querySelector("video") as HTMLVideoElement;
    expect(video.currentTime).toBe(70);
    expect(video.getAttribute("src")).toBe(`/api/v1/sessions/${ID}/recording`);
  });

  it("marks fillers and hedges in the transcript, and a clicked word seeks the recording", async () => {
    const { container } = renderReview(analysed);
    await screen.findByLabelText(/Transcript \(click a word/, undefined, SLOW);
    expect(container.querySelectorAll(".tw--filler").length).toBeGreaterThan(0);
    expect(container.querySelector(".tw--hedge")).not.toBeNull();
    const word = screen.getAllByText("scope")[0] as HTMLElement;
    fireEvent.click(word);
    const video = container.querySelector("video") as HTMLVideoElement;
    expect(video.currentTime).toBe(0.833);
    expect(word).toHaveAttribute("aria-current", "true");
  });

  it("puts the session's notes on the timeline and in a list; a marker or a note's time seeks the recording", async () => {
    const note = (id: string, t_s: number, text: string, tag: string | null) => ({
      id,
      session_id: ID,
      t_s,
      text,
      tag,
      author_id: "u2",
      author: "coach@example.com",
      created_at: "2026-11-30T09:01:00Z",
      updated_at: null,
    });
    const { container } = renderReview({
      ...analysed,
      [`/api/v1/sessions/${ID}/notes`]: () =>
        respond({ items: [note("n1", 30, "slow down here", "pace"), note("n2", 90, "great close", "great")] }),
    });
    const track = await screen.findByRole("figure", { name: "Notes on the timeline" }, SLOW);
    const markers = within(track).getAllByRole("button");
    expect(markers.map((m) => m.style.left)).toEqual(["25%", "75%"]);
    expect(markers[0]).toHaveAccessibleName("Note at 0:30 [Pace]: slow down here (coach@example.com). Play from here");
    const video = container.querySelector("video") as HTMLVideoElement;
    fireEvent.click(markers[1] as HTMLElement);
    expect(video.currentTime).toBe(90);
    expect(markers[1]).toHaveAttribute("aria-current", "true");

    const list = screen.getByRole("list", { name: "Notes on this session" });
    expect(within(list).getAllByRole("listitem").map((li) => li.textContent)).toEqual([
      "0:30Paceslow down herecoach@example.com",
      "1:30Greatgreat closecoach@example.com",
    ]);
    fireEvent.click(within(list).getByRole("button", { name: "Play from 0:30" }));
    expect(video.currentTime).toBe(30);
    expect(container.querySelectorAll(".timeline-chart__mark").length).toBeGreaterThan(0);
  });

  it("shows unrecognised speech as bands on the timeline that seek the recording, and in the transcript", async () => {
    const speech = { ...fixture.report.speech, unrecognised_speech: [{ start_s: 30, end_s: 36 }] };
    const report = { ...fixture, report: { ...fixture.report, speech } };
    const { container } = renderReview({ ...analysed, [`/api/v1/sessions/${ID}/report`]: () => respond(report) });
    const track = await screen.findByRole("figure", { name: "Unrecognised speech on the timeline" }, SLOW);
    const bands = within(track).getAllByRole("button");
    expect(bands).toHaveLength(1);
    const band = bands[0] as HTMLElement;
    expect(band.style.left).toBe("25%");
    expect(parseFloat(band.style.width)).toBeCloseTo(5, 6);
    expect(band).toHaveAttribute("title", expect.stringMatching(/^Unrecognised speech 0:30–0:36 \(6 s\)/));
    fireEvent.click(band);
    const video = container.querySelector("video") as HTMLVideoElement;
    expect(video.currentTime).toBe(30);
    expect(screen.getByText(/One stretch of speech could not be recognised/)).toBeInTheDocument();
    const chip = screen.getByRole("button", { name: "Unrecognised speech at 0:30, 6 s: play from here" });
    video.currentTime = 0;
    fireEvent.click(chip);
    expect(video.currentTime).toBe(30);
  });

  it("shows no unrecognised-speech track when every stretch was recognised", async () => {
    renderReview(analysed);
    await screen.findByText("Team update rehearsal", { selector: "h1" }, SLOW);
    expect(screen.queryByRole("figure", { name: "Unrecognised speech on the timeline" })).toBeNull();
    expect(screen.queryByText(/could not be recognised/)).toBeNull();
  });

  it("shows no notes track when the session has no notes", async () => {
    renderReview({ ...analysed, [`/api/v1/sessions/${ID}/notes`]: () => respond({ items: [] }) });
    await screen.findByText("Team update rehearsal", { selector: "h1" }, SLOW);
    expect(screen.queryByRole("figure", { name: "Notes on the timeline" })).toBeNull();
    expect(screen.queryByRole("list", { name: "Notes on this session" })).toBeNull();
  });

  it("shows the analysis progress while the session is being analysed", async () => {
    renderReview({
      [`/api/v1/sessions/${ID}`]: () => respond({ ...fixture.session, state: "analyzing" }),
      [`/api/v1/sessions/${ID}/analysis`]: () =>
        respond({ session_id: ID, state: "running", backend: "local", progress: 0.42, stage: "transcribe", attempts: 1, error: null }),
    });
    expect(await screen.findByText("Transcribing your words", undefined, SLOW)).toBeInTheDocument();
    expect(screen.getByRole("progressbar", { name: "Analysis progress" })).toHaveAttribute("aria-valuenow", "42");
  });

  it("says why a failed analysis failed and offers to run it again", async () => {
    renderReview({
      [`/api/v1/sessions/${ID}`]: () =>
        respond({ ...fixture.session, state: "failed", failure_reason: "the recording has no audio track" }),
      [`/api/v1/sessions/${ID}/analysis`]: () =>
        respond({ session_id: ID, state: "failed", backend: "local", progress: 0.1, stage: "probe", attempts: 1, error: "the recording has no audio track" }),
    });
    expect(await screen.findByText("the recording has no audio track", undefined, SLOW)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Run the analysis again" })).toBeEnabled();
  });
});
