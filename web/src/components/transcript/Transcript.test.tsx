import { fireEvent, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { segment, tokenize, wordTokens } from "./segments";
import { Transcript } from "./Transcript";

function talk(wordCount: number) {
  const words = Array.from({ length: wordCount }, (_, i) => ({
    text: i % 15 === 14 ? `word${i}.` : `word${i}`,
    start_s: i * 0.5,
    end_s: i * 0.5 + 0.4,
    filler: i === 3,
  }));
  const tokens = tokenize({ words, hedges: [{ text: "word5", start_s: 2.5, end_s: 2.9 }] });
  return { segments: segment(tokens), words: wordTokens(tokens) };
}

interface FakeVideo {
  currentTime: number;
}

function seekVideo(video: FakeVideo, t: number) {
  video.currentTime = t;
}

/** The transcript wired to a fake video element, as the review page wires it to the real one. */
function Harness({ video, wordCount = 60 }: { video: FakeVideo; wordCount?: number }) {
  const [time, setTime] = useState(0);
  const { segments, words } = talk(wordCount);
  const seek = (t: number) => {
    seekVideo(video, t);
    setTime(t);
  };
  return <Transcript segments={segments} words={words} currentTime={time} onSeek={seek} />;
}

describe("Transcript", () => {
  it("seeks the video to a word's start when the word is clicked, and highlights it", () => {
    const video = { currentTime: 0 };
    render(<Harness video={video} />);
    fireEvent.click(screen.getByText("word7"));
    expect(video.currentTime).toBe(3.5);
    expect(screen.getByText("word7")).toHaveAttribute("aria-current", "true");
    expect(screen.getByText("word6")).not.toHaveAttribute("aria-current");
  });

  it("seeks to a row's start from its time button (keyboard users)", () => {
    const video = { currentTime: 0 };
    render(<Harness video={video} />);
    fireEvent.click(screen.getByRole("button", { name: "Play from 0:07" }));
    expect(video.currentTime).toBe(7.5);
  });

  it("lets keyboard users reach a word with Tab and play from it with Enter or Space", async () => {
    const user = userEvent.setup();
    const video = { currentTime: 0 };
    render(<Harness video={video} />);
    const word = screen.getByRole("button", { name: "word7" });
    word.focus();
    expect(word).toHaveFocus();
    await user.keyboard("{Enter}");
    expect(video.currentTime).toBe(3.5);
    expect(word).toHaveAttribute("aria-current", "true");
    await user.tab();
    expect(screen.getByRole("button", { name: "word8" })).toHaveFocus();
    await user.keyboard(" ");
    expect(video.currentTime).toBe(4);
  });

  it("marks fillers and hedges", () => {
    render(<Harness video={{ currentTime: 0 }} />);
    expect(screen.getByText("word3")).toHaveClass("tw--filler");
    expect(screen.getByText("word5")).toHaveClass("tw--hedge");
    expect(screen.getByText("word4")).not.toHaveClass("tw--filler");
  });

  it("renders only the rows around the viewport of a long transcript", () => {
    const { container } = render(<Harness video={{ currentTime: 0 }} wordCount={9000} />);
    const rendered = container.querySelectorAll(".tr-row").length;
    expect(rendered).toBeGreaterThan(3);
    expect(rendered).toBeLessThan(30);
    expect(container.querySelectorAll(".tw").length).toBeLessThan(600);
  });
});
