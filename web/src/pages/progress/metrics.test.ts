import { describe, expect, it } from "vitest";
import { formatMetric, metricLabel, orderMetrics } from "./metrics";

describe("metrics", () => {
  it("names flat metrics and dimension scores", () => {
    expect(metricLabel("fillers_per_min")).toBe("Fillers per minute");
    expect(metricLabel("vocal_variety")).toBe("Vocal variety score");
    expect(metricLabel("something_new")).toBe("Something new");
  });

  it("formats values with units", () => {
    expect(formatMetric("wpm", 142.26)).toBe("142.3 wpm");
    expect(formatMetric("overall", 79.64, 0)).toBe("80");
    expect(formatMetric("wpm", null)).toBe("—");
  });

  it("orders overall, then dimensions, then the rest", () => {
    expect(orderMetrics(["wpm", "pace", "overall", "fillers_per_min", "facing"])).toEqual([
      "overall",
      "facing",
      "pace",
      "fillers_per_min",
      "wpm",
    ]);
  });
});
