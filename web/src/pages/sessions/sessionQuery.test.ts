import { describe, expect, it } from "vitest";
import { nextDay, sessionsUrl } from "../../api/sessions";
import { pageOf, paramsFor, queryFromParams } from "./sessionQuery";

describe("queryFromParams", () => {
  it("reads the filters and the page", () => {
    const query = queryFromParams(new URLSearchParams("state=failed&from=2026-11-01&to=2026-11-30&page=3"));
    expect(query).toEqual({ states: ["failed"], from: "2026-11-01", to: "2026-11-30", limit: 20, offset: 40 });
    expect(pageOf(query)).toBe(3);
  });

  it("ignores values that are not valid", () => {
    expect(queryFromParams(new URLSearchParams("state=bogus&from=yesterday&page=-2"))).toEqual({
      states: [],
      from: "",
      to: "",
      limit: 20,
      offset: 0,
    });
  });
});

describe("paramsFor", () => {
  it("goes back to the first page when a filter changes, keeps it when paging", () => {
    const current = new URLSearchParams("state=analyzed&page=4");
    expect(paramsFor(current, { from: "2026-01-01" }).toString()).toBe("state=analyzed&from=2026-01-01");
    expect(paramsFor(current, { page: "5" }).toString()).toBe("state=analyzed&page=5");
    expect(paramsFor(current, { state: "" }).toString()).toBe("");
  });
});

describe("sessionsUrl", () => {
  it("sends an exclusive end date the day after the inclusive one", () => {
    expect(nextDay("2026-12-31")).toBe("2027-01-01");
    expect(
      sessionsUrl({ states: ["analyzed", "failed"], from: "2026-11-01", to: "2026-11-30", limit: 20, offset: 20 }),
    ).toBe("/api/v1/sessions?state=analyzed%2Cfailed&from=2026-11-01&to=2026-12-01&limit=20&offset=20");
  });
});
