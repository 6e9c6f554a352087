// Go duration text: golden cases from Go's own time.Duration.String tests and what CrowdSec sends,
// and properties (ParseDuration of the text gives the nanoseconds back; the text's shape).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { formatGoDuration, goDurationFromMs, parseGoDuration } from "./go-duration.js";

const H = 3_600_000_000_000n;
const M = 60_000_000_000n;
const S = 1_000_000_000n;

describe("formatGoDuration", () => {
  it("writes what Go's Duration.String writes", () => {
    const golden: [bigint, string][] = [
      [0n, "0s"],
      [1n, "1ns"],
      [1100n, "1.1\u00b5s"],
      [2_200_000n, "2.2ms"],
      [3_300_000_000n, "3.3s"],
      [4n * M + 5n * S, "4m5s"],
      [4n * M + 5_001_000_000n, "4m5.001s"],
      [5n * H + 6n * M + 7_001_000_000n, "5h6m7.001s"],
      [8n * M + 1n, "8m0.000000001s"],
      [(1n << 63n) - 1n, "2562047h47m16.854775807s"],
      [-(1n << 63n), "-2562047h47m16.854775808s"],
      [4n * H, "4h0m0s"],
      [H, "1h0m0s"],
      [M, "1m0s"],
      [59n * M + 59_500_000_000n, "59m59.5s"],
      [3n * H + 59n * M + 59_900_000_000n, "3h59m59.9s"],
      [-1n * S, "-1s"],
      [-1_500_000n, "-1.5ms"],
      [999n, "999ns"],
      [1000n, "1\u00b5s"],
      [999_999_999n, "999.999999ms"],
      [72n * H + 3n * M + 500_000_000n, "72h3m0.5s"],
    ];
    for (const [ns, text] of golden) assert.equal(formatGoDuration(ns), text, `${ns} ns`);
  });

  it("saturates beyond int64 as Go's Time.Sub does", () => {
    assert.equal(formatGoDuration(1n << 70n), "2562047h47m16.854775807s");
    assert.equal(formatGoDuration(-(1n << 70n)), "-2562047h47m16.854775808s");
  });

  it("converts Date arithmetic (milliseconds) exactly", () => {
    assert.equal(goDurationFromMs(4 * 3_600_000 - 100), "3h59m59.9s");
    assert.equal(goDurationFromMs(0), "0s");
    assert.equal(goDurationFromMs(-1000), "-1s");
    assert.equal(goDurationFromMs(1.5), "1.5ms");
  });

  it("parses back to the same nanoseconds (property over int64)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), (ns) => {
        assert.equal(parseGoDuration(formatGoDuration(ns)), ns);
      }),
      { numRuns: 2000 },
    );
  });

  it("has Go's shape: seconds with no trailing fraction zeros, minutes < 60, hours only when ≥ 1h", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: S, max: (1n << 63n) - 1n }), (ns) => {
        const t = formatGoDuration(ns);
        const m = /^(?:(\d+)h)?(?:(\d+)m)?(\d+)(?:\.(\d*[1-9]))?s$/.exec(t);
        assert.ok(m, t);
        if (m[1] !== undefined) assert.ok(m[2] !== undefined, `minutes shown with hours: ${t}`);
        if (m[2] !== undefined) assert.ok(Number(m[2]) < 60);
        assert.ok(Number(m[3]) < 60 || m[2] === undefined);
        assert.equal(m[1] !== undefined, ns >= H);
        assert.equal(m[2] !== undefined, ns >= M);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("parseGoDuration", () => {
  it("reads Go's syntax", () => {
    const cases: [string, bigint | undefined][] = [
      ["0", 0n],
      ["4h", 4n * H],
      ["1h30m", H + 30n * M],
      ["-1.5h", -(H + 30n * M)],
      ["+5s", 5n * S],
      ["300ms", 300_000_000n],
      ["1.5us", 1500n],
      ["2\u00b5s", 2000n],
      ["2\u03bcs", 2000n],
      [".5s", 500_000_000n],
      ["5.s", 5n * S],
      ["1h1h", 2n * H],
      ["", undefined],
      ["4", undefined],
      ["4d", undefined],
      [".s", undefined],
      ["-", undefined],
      ["1h 30m", undefined],
      ["9223372036854775808ns", undefined],
    ];
    for (const [text, ns] of cases) assert.equal(parseGoDuration(text), ns, text);
  });
});
