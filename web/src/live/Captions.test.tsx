import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { Captions } from "./Captions";

describe("<Captions>", () => {
  it("shows committed words plainly and the interim tail greyed", () => {
    const { container } = render(<Captions captions={{ committed: ["good", "morning"], interim: "every" }} />);
    const committed = container.querySelector(".captions-committed");
    const interim = container.querySelector(".captions-interim");
    expect(committed).toHaveTextContent("good morning");
    expect(interim).toHaveTextContent("every");
    expect(committed).not.toHaveTextContent("every");
    expect(committed).toHaveAttribute("aria-live", "polite");
  });

  it("has no interim part once the utterance is final", () => {
    const { container } = render(<Captions captions={{ committed: ["thank", "you"], interim: "" }} />);
    expect(container.querySelector(".captions-interim")).toBeNull();
  });

  it("says where captions will appear before any speech", () => {
    render(<Captions captions={{ committed: [], interim: "" }} />);
    expect(screen.getByText(/captions appear here/i)).toBeInTheDocument();
  });
});
