// The LAPI wire form: items per decision and bouncer (ranges as-is, expanded, or withheld), range
// expansion, and CrowdSec's stream filters.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parseCidr, parseIp } from "../soc/ip.js";
import type { Decision } from "./decisions.js";
import { expandRange, MAX_EXPANDED_ADDRESSES, parseStreamFilters, passes, toWire } from "./lapi-format.js";

const now = new Date("2026-11-20T08:00:00Z");
const decision = (over: Partial<Decision>): Decision => ({
  id: "6c1a8e1e-8d0e-4a8b-9f43-1f0b8a0f2b11",
  seq: 7,
  scope: "ip",
  value: "192.0.2.10",
  kind: "ban",
  origin: "fr",
  scenario: "corridor/playbook/block-c2",
  reason: "",
  actionId: null,
  createdAt: now,
  until: new Date(now.getTime() + 4 * 3_600_000 - 100),
  deletedAt: null,
  deletedSeq: null,
  deletedReason: null,
  ...over,
});

describe("toWire", () => {
  it("writes an address as CrowdSec's models.Decision", () => {
    assert.deepEqual(toWire(decision({}), { expandRanges: false }, now), {
      withheld: false,
      items: [
        {
          id: 7,
          origin: "fr",
          type: "ban",
          scope: "Ip",
          value: "192.0.2.10",
          duration: "3h59m59.9s",
          scenario: "corridor/playbook/block-c2",
          until: "2026-11-20T11:59:59.900Z",
          simulated: false,
          uuid: "6c1a8e1e-8d0e-4a8b-9f43-1f0b8a0f2b11",
        },
      ],
    });
  });

  it("sends a range as Range, or address by address to an expanding bouncer, or withholds it", () => {
    const r24 = decision({ scope: "range", value: "198.51.100.0/24" });
    const plain = toWire(r24, { expandRanges: false }, now);
    assert.equal(plain.items.length, 1);
    assert.equal(plain.items[0]?.scope, "Range");
    const expanded = toWire(r24, { expandRanges: true }, now);
    assert.equal(expanded.items.length, 256);
    assert.ok(expanded.items.every((i) => i.scope === "Ip" && i.id === 7 && i.uuid === undefined));
    assert.equal(expanded.items[0]?.value, "198.51.100.0");
    assert.equal(expanded.items[255]?.value, "198.51.100.255");
    assert.deepEqual(
      toWire(decision({ scope: "range", value: "198.51.0.0/23" }), { expandRanges: true }, now),
      {
        items: [],
        withheld: true,
      },
    );
  });

  it("gives lapsed decisions a negative duration (as CrowdSec does for deleted ones)", () => {
    const w = toWire(decision({ until: new Date(now.getTime() - 1500) }), { expandRanges: false }, now);
    assert.equal(w.items[0]?.duration, "-1.5s");
  });
});

describe("expandRange", () => {
  it("expands up to 256 addresses, IPv4 and IPv6, and refuses wider", () => {
    assert.deepEqual(expandRange("192.0.2.4/30"), ["192.0.2.4", "192.0.2.5", "192.0.2.6", "192.0.2.7"]);
    assert.deepEqual(expandRange("2001:db8::/127"), ["2001:db8::", "2001:db8::1"]);
    assert.equal(expandRange("2001:db8::/120")?.length, 256);
    assert.equal(expandRange("2001:db8::/119"), undefined);
    assert.equal(expandRange("10.0.0.0/8"), undefined);
    assert.equal(expandRange("not a range"), undefined);
  });

  it("gives exactly the range's addresses, each inside it (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 16, max: 32 }), (n, prefix) => {
        const network = (BigInt(n) >> BigInt(32 - prefix)) << BigInt(32 - prefix);
        const text = `${[24n, 16n, 8n, 0n].map((s) => (network >> s) & 255n).join(".")}/${prefix}`;
        const c = parseCidr(text)!;
        const out = expandRange(text);
        const size = 2 ** (32 - prefix);
        if (size > MAX_EXPANDED_ADDRESSES) return assert.equal(out, undefined);
        assert.equal(out?.length, size);
        assert.equal(new Set(out).size, size);
        for (const a of out ?? []) {
          const ip = parseIp(a)!;
          assert.equal(ip.value & ~((1n << BigInt(32 - prefix)) - 1n) & 0xffffffffn, c.network);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("stream filters", () => {
  const item = (over: Partial<Decision>) => toWire(decision(over), { expandRanges: false }, now).items[0]!;

  it("defaults to ip and range scopes, compared without case", () => {
    const f = parseStreamFilters({});
    assert.ok(passes(item({}), f));
    assert.ok(passes(item({ scope: "range", value: "198.51.100.0/24" }), f));
    const ipOnly = parseStreamFilters({ scopes: "Ip" });
    assert.ok(passes(item({}), ipOnly));
    assert.ok(!passes(item({ scope: "range", value: "198.51.100.0/24" }), ipOnly));
  });

  it("keeps listed origins and scenarios containing (or not) a word, any case", () => {
    const f = parseStreamFilters({ origins: "de,fr", scenarios_containing: "SSH,c2" });
    assert.ok(passes(item({}), f));
    assert.ok(!passes(item({ origin: "it" }), f));
    assert.ok(!passes(item({ scenario: "crowdsecurity/http-probing" }), f));
    const not = parseStreamFilters({ scenarios_not_containing: "C2, probing" });
    assert.ok(!passes(item({}), not));
    assert.ok(passes(item({ scenario: "fed/ssh-bf" }), not));
    assert.deepEqual(parseStreamFilters({ origins: "", scenarios_containing: " , " }), {
      scopes: ["ip", "range"],
    });
  });
});
