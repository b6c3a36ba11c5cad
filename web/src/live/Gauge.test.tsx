import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { Gauge } from "./Gauge";
import { PACE_GAUGE } from "./gauges";

describe("<Gauge>", () => {
  it("shows the value, its verdict and a meter for assistive technology", () => {
    const { container } = render(<Gauge spec={PACE_GAUGE} value={180} note="over the last 30 s" />);
    expect(screen.getByText("180 wpm")).toBeInTheDocument();
    expect(screen.getByText("fast")).toBeInTheDocument();
    const meter = screen.getByRole("meter", { name: "Pace" });
    expect(meter).toHaveAttribute("aria-valuenow", "180");
    expect(meter).toHaveAttribute("aria-valuetext", "180 wpm, fast");
    expect(container.querySelector(".gauge")).toHaveAttribute("data-status", "high");
    expect(screen.getByText("over the last 30 s")).toBeInTheDocument();
  });

  it("shades the good band and waits without a value", () => {
    const { container } = render(<Gauge spec={PACE_GAUGE} value={null} />);
    expect(screen.getByText("—")).toBeInTheDocument();
    expect(screen.getByText("waiting")).toBeInTheDocument();
    expect(container.querySelector(".gauge-marker")).toBeNull();
    const band = container.querySelector<HTMLElement>(".gauge-band");
    // 100–165 on a 60–220 scale.
    expect(band?.style.left).toBe("25%");
    expect(parseFloat(band?.style.width ?? "")).toBeCloseTo(40.625);
  });
});
