import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { formatDuration, MAX_DURATION_MS, parseDuration } from "./duration.js";

describe("durations", () => {
  it("reads the usual forms", () => {
    const cases: [string, number][] = [
      ["90s", 90_000],
      ["15m", 900_000],
      ["4h", 14_400_000],
      ["7d", 604_800_000],
      ["2w", 1_209_600_000],
      ["1h30m", 5_400_000],
      [" 1d12h ", 129_600_000],
      ["365d", MAX_DURATION_MS],
    ];
    for (const [text, ms] of cases) assert.deepEqual(parseDuration(text), { ok: true, value: ms }, text);
  });

  it("refuses the rest with a reason", () => {
    for (const text of [
      "",
      "4",
      "h",
      "4 h",
      "4H",
      "1.5h",
      "-1h",
      "30m1h",
      "1h1h",
      "0s",
      "0h0m",
      "366d",
      "53w",
      "1y",
    ]) {
      const r = parseDuration(text);
      assert.equal(r.ok, false, text);
      if (!r.ok) assert.equal(r.error.code, "invalid-duration");
    }
  });

  it("formats to text that parses back (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_DURATION_MS / 1000 }), (s) => {
        assert.deepEqual(parseDuration(formatDuration(s * 1000)), { ok: true, value: s * 1000 });
      }),
    );
  });
});
