import { describe, expect, it } from "vitest";
import { isFinalRejection, sortStored } from "./uploads";

describe("sortStored", () => {
  const now = Date.parse("2026-12-02T12:00:00Z");
  const stored = (key: string, creationTime: string, uploadUrl: string | null = "/api/v1/uploads/x") => ({
    urlStorageKey: key,
    creationTime,
    uploadUrl,
    size: 100,
    metadata: { filename: `${key}.webm` },
  });

  it("keeps recent uploads newest first and drops expired or urlless ones", () => {
    const { live, expired } = sortStored(
      [
        stored("old", "2026-11-30T12:00:00Z"),
        stored("a", "2026-12-02T08:00:00Z"),
        stored("b", "2026-12-02T11:00:00Z"),
        stored("nourl", "2026-12-02T11:30:00Z", null),
        stored("bad", "not a date"),
      ],
      now,
    );
    expect(live.map((u) => u.urlStorageKey)).toEqual(["b", "a"]);
    expect(expired.map((u) => u.urlStorageKey).sort()).toEqual(["bad", "nourl", "old"]);
  });
});

describe("isFinalRejection", () => {
  it("forgets uploads the server rejected, not those it could not take yet", () => {
    for (const status of [404, 410, 413, 415, 422]) expect(isFinalRejection(status)).toBe(true);
    for (const status of [0, 401, 409, 423, 429, 500, 503]) expect(isFinalRejection(status)).toBe(false);
  });
});
