import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseTemplate, renderTemplate } from "./template.js";

const compile = (s: string) => {
  const t = parseTemplate(s);
  assert.ok(t.ok, s);
  return t.value;
};

describe("templates", () => {
  it("renders variables and the network filter", () => {
    const t = compile("Brute force from {{ observable.ipv4 }} ({{rule.title}})");
    assert.equal(t.observable, "ipv4");
    assert.equal(
      renderTemplate(t, { "observable.ipv4": "203.0.113.47", "rule.title": "BF" }),
      "Brute force from 203.0.113.47 (BF)",
    );
    assert.equal(renderTemplate(t, {}), "Brute force from  ()");
    const n = compile("{{observable.ipv4 | network:24}}");
    assert.equal(renderTemplate(n, { "observable.ipv4": "203.0.113.47" }), "203.0.113.0/24");
    assert.equal(renderTemplate(n, { "observable.ipv4": "not an ip" }), "");
    const n6 = compile("{{observable.ipv6|network:24/48}}");
    assert.equal(renderTemplate(n6, { "observable.ipv6": "2001:db8:1:2::5" }), "2001:db8:1::/48");
    assert.equal(renderTemplate(n6, { "observable.ipv6": "::ffff:203.0.113.47" }), "203.0.113.0/24");
    assert.equal(compile("static text").observable, undefined);
  });

  it("refuses what it cannot render (golden messages)", () => {
    const cases: [string, string][] = [
      [
        "{{observable.ip}}",
        'unknown variable "observable.ip" (known: rule.id, rule.title, subject.*, observable.<kind>)',
      ],
      ["{{rule.title | upper}}", 'unknown filter "upper" (known: network)'],
      [
        "{{observable.ipv4 | network:33}}",
        'network takes an IPv4 prefix 0-32 and optionally "/" an IPv6 prefix 0-128, e.g. network:24/48',
      ],
      ["{{observable.domain | network:24}}", "network applies to observable.ipv4 or observable.ipv6 only"],
      ["{{observable.ipv4", 'unbalanced or malformed "{{ }}"'],
      ["{{ Rule.Title }}", 'unbalanced or malformed "{{ }}"'],
      [
        "{{observable.ipv4}} {{observable.ipv6}}",
        "refers to several observable kinds (ipv4, ipv6); one per action",
      ],
    ];
    for (const [source, message] of cases)
      assert.deepEqual(parseTemplate(source), { ok: false, error: message }, source);
  });
});
