import assert from "node:assert/strict";
import { isIP } from "node:net";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  cidrTouchesInternal,
  formatCidr,
  formatIPv6,
  formatIp,
  isPrivateOrInternal,
  parseCidr,
  parseIPv4,
  parseIPv6,
  parseIp,
  unmapIp,
} from "./ip.js";

describe("IP parsing", () => {
  it("accepts dotted quads and refuses near misses", () => {
    assert.equal(parseIPv4("203.0.113.47"), 0xcb00712fn);
    for (const bad of [
      "1.2.3",
      "1.2.3.4.5",
      "256.1.1.1",
      "01.2.3.4",
      "1.2.3.-4",
      " 1.2.3.4",
      "1..3.4",
      "a.b.c.d",
    ]) {
      assert.equal(parseIPv4(bad), undefined, bad);
    }
  });

  it("reads IPv6 text forms and writes RFC 5952 canonical text", () => {
    const cases: [string, string][] = [
      ["::", "::"],
      ["::1", "::1"],
      ["2001:DB8:0:0:0:0:0:1", "2001:db8::1"],
      ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
      ["2001:0db8:0000:0001:0001:0001:0001:0001", "2001:db8:0:1:1:1:1:1"],
      ["::ffff:10.20.14.45", "::ffff:a14:e2d"],
      ["fe80::1:2", "fe80::1:2"],
      ["1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"],
    ];
    for (const [input, canonical] of cases) {
      const v = parseIPv6(input);
      assert.notEqual(v, undefined, input);
      assert.equal(formatIPv6(v!), canonical, input);
    }
    for (const bad of [
      ":::",
      "1::2::3",
      "1:2:3:4:5:6:7:8:9",
      "12345::",
      "fe80::1%eth0",
      "::1.2.3",
      "g::1",
      ":1::",
      "1:2:3:4:5:6:7",
    ]) {
      assert.equal(parseIPv6(bad), undefined, bad);
    }
  });

  it("agrees with node:net on what is an address (property)", () => {
    const candidate = fc.oneof(
      fc.ipV4(),
      fc.ipV6(),
      fc.ipV4Extended(),
      fc.stringMatching(/^[0-9a-f:.]{0,20}$/),
    );
    fc.assert(
      fc.property(candidate, (s) => {
        const node = isIP(s);
        const ours = parseIp(s);
        // node accepts legacy forms we refuse on purpose (leading zeros would be read as octal elsewhere).
        if (ours) assert.equal(node, ours.version, s);
        else if (node === 4) assert.ok(/(^|\.)0\d/.test(s), s);
        else assert.equal(node, 0, s);
      }),
      { numRuns: 2000 },
    );
  });

  it("formats then parses back to the same address (property)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), fc.boolean(), (n, v4) => {
        const ip = v4 ? { version: 4 as const, value: n & 0xffffffffn } : { version: 6 as const, value: n };
        assert.deepEqual(parseIp(formatIp(ip)), ip);
      }),
    );
  });

  it("unmaps IPv4-mapped IPv6", () => {
    assert.equal(formatIp(unmapIp(parseIp("::ffff:10.20.14.45")!)), "10.20.14.45");
    assert.equal(formatIp(unmapIp(parseIp("2001:db8::1")!)), "2001:db8::1");
  });
});

describe("CIDR", () => {
  it("parses strictly, or loosely clearing host bits", () => {
    assert.equal(formatCidr(parseCidr("203.0.113.0/24")!), "203.0.113.0/24");
    assert.equal(parseCidr("203.0.113.7/24"), undefined);
    assert.equal(formatCidr(parseCidr("203.0.113.7/24", true)!), "203.0.113.0/24");
    assert.equal(formatCidr(parseCidr("2001:DB8:1::/48")!), "2001:db8:1::/48");
    for (const bad of ["10.0.0.0/33", "10.0.0.0/", "10.0.0.0/08", "::/129", "10.0.0.0"])
      assert.equal(parseCidr(bad), undefined, bad);
  });

  it("knows which ranges touch internal space", () => {
    assert.equal(cidrTouchesInternal(parseCidr("0.0.0.0/0")!), true);
    assert.equal(cidrTouchesInternal(parseCidr("10.1.0.0/16")!), true);
    assert.equal(cidrTouchesInternal(parseCidr("8.0.0.0/6")!), true); // contains 10/8
    assert.equal(cidrTouchesInternal(parseCidr("203.0.113.0/24")!), false);
    assert.equal(cidrTouchesInternal(parseCidr("::/0")!), true);
    assert.equal(cidrTouchesInternal(parseCidr("2001:db8::/32")!), false);
    assert.equal(cidrTouchesInternal(parseCidr("::ffff:10.0.0.0/104")!), true);
    assert.equal(cidrTouchesInternal(parseCidr("::ffff:203.0.113.0/120")!), false);
  });
});

describe("isPrivateOrInternal", () => {
  it("classifies the special ranges", () => {
    const internal = [
      "10.20.14.37",
      "172.31.255.255",
      "192.168.1.1",
      "127.0.0.1",
      "169.254.1.1",
      "100.64.0.1",
      "100.127.255.255",
      "0.0.0.0",
      "224.0.0.251",
      "255.255.255.255",
      "198.18.0.1",
      "::1",
      "::",
      "fe80::1",
      "fd12:3456::1",
      "fc00::1",
      "ff02::1",
      "::ffff:192.168.0.1",
      "64:ff9b::10.0.0.1",
      "not an ip",
    ];
    const external = [
      "203.0.113.47",
      "198.51.100.77",
      "192.0.2.10",
      "13.107.21.237",
      "172.32.0.1",
      "100.128.0.1",
      "2001:db8::1",
      "2a01:e0a::1",
      "::ffff:8.8.8.8",
      "64:ff9b::8.8.8.8",
    ];
    for (const ip of internal) assert.equal(isPrivateOrInternal(ip), true, ip);
    for (const ip of external) assert.equal(isPrivateOrInternal(ip), false, ip);
  });

  it("RFC 1918 space is internal whatever the host part (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffff }), (n) => {
        assert.equal(isPrivateOrInternal(`10.${n >> 16}.${(n >> 8) & 255}.${n & 255}`), true);
        assert.equal(isPrivateOrInternal(`192.168.${(n >> 8) & 255}.${n & 255}`), true);
        assert.equal(isPrivateOrInternal(`172.${16 + ((n >> 16) & 15)}.${(n >> 8) & 255}.${n & 255}`), true);
      }),
    );
  });
});
