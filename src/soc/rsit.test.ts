import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { RSIT_CATEGORIES } from "../core/index.js";
import { ATTACK_TACTICS, attackOfTags } from "./attack.js";
import { RSIT_TABLE, suggestRsit, suggestRsitForAll } from "./rsit.js";

const of = (...tags: string[]) => attackOfTags(tags);

describe("RSIT suggestion", () => {
  it("classifies the corridor's own rules as an analyst would (golden)", () => {
    const cases: [string[], string, string][] = [
      [["attack.impact", "attack.t1486"], "malicious-code", "infected-system"],
      [["attack.impact", "attack.t1490"], "malicious-code", "infected-system"],
      [["attack.impact", "attack.t1498.001"], "availability", "dos"],
      [["attack.impact", "attack.t1499"], "availability", "dos"],
      [["attack.credential-access", "attack.t1110.003"], "intrusion-attempts", "brute-force"],
      [["attack.credential-access", "attack.t1003.001"], "intrusions", "system-compromise"],
      [["attack.lateral-movement", "attack.t1021.002"], "intrusions", "system-compromise"],
      [["attack.execution", "attack.t1059.001"], "malicious-code", "infected-system"],
      [["attack.command-and-control", "attack.t1071.001"], "malicious-code", "infected-system"],
      [["attack.discovery", "attack.t1482"], "information-gathering", "scanner"],
      [["attack.reconnaissance", "attack.t1595.002"], "information-gathering", "scanner"],
      [["attack.exfiltration", "attack.t1567.002"], "information-content-security", "data-leak"],
      [
        ["attack.collection", "attack.t1530"],
        "information-content-security",
        "unauthorised-information-access",
      ],
      [["attack.initial-access", "attack.t1566.001"], "fraud", "phishing"],
      [["attack.initial-access", "attack.t1190"], "intrusion-attempts", "exploit"],
      [["attack.stealth", "attack.t1562.008"], "intrusions", "system-compromise"],
      [["attack.defense_evasion"], "intrusions", "system-compromise"],
      [["attack.impact", "attack.t1496"], "fraud", "unauthorised-use-of-resources"],
      [["attack.impact"], "availability", "sabotage"],
      [["attack.t9999"], "other", "undetermined"],
      [[], "other", "undetermined"],
    ];
    for (const [tags, category, type] of cases) {
      const r = suggestRsit(of(...tags));
      assert.deepEqual([r.category, r.type], [category, type], tags.join(" "));
    }
  });

  it("explains itself", () => {
    assert.equal(suggestRsit(of("attack.t1110.001")).because, "brute force (T1110.001)");
    assert.equal(suggestRsit(of("attack.discovery")).because, "scanning and discovery (tactic discovery)");
  });

  it("takes the strongest alert of an incident", () => {
    const bruteForce = of("attack.credential-access", "attack.t1110");
    const dump = of("attack.credential-access", "attack.t1003.001");
    const ransom = of("attack.impact", "attack.t1486");
    assert.equal(suggestRsitForAll([bruteForce]).category, "intrusion-attempts");
    assert.equal(suggestRsitForAll([bruteForce, dump]).category, "intrusions");
    assert.equal(suggestRsitForAll([dump, ransom, bruteForce]).category, "malicious-code");
    assert.equal(suggestRsitForAll([]).category, "other");
  });

  it("the table is well formed", () => {
    for (const e of RSIT_TABLE) {
      assert.ok((RSIT_CATEGORIES as readonly string[]).includes(e.category));
      for (const t of e.techniques) assert.match(t, /^T\d{4}$/);
      for (const t of e.tactics) assert.ok((ATTACK_TACTICS as readonly string[]).includes(t));
    }
    // A technique in two entries would make the later one dead.
    const all = RSIT_TABLE.flatMap((e) => e.techniques);
    assert.equal(new Set(all).size, all.length);
  });

  it("adding an alert never weakens an incident's class (property)", () => {
    const signals = fc.record({
      techniques: fc.array(
        fc.constantFrom(...RSIT_TABLE.flatMap((e) => e.techniques), "T1059", "T1027.010", "T9999"),
        { maxLength: 4 },
      ),
      tactics: fc.array(fc.constantFrom(...ATTACK_TACTICS), { maxLength: 3 }),
    });
    fc.assert(
      fc.property(fc.array(signals, { maxLength: 5 }), signals, (alerts, extra) => {
        assert.ok(suggestRsitForAll([...alerts, extra]).rank <= suggestRsitForAll(alerts).rank);
        assert.equal(suggestRsitForAll([...alerts].reverse()).rank, suggestRsitForAll(alerts).rank);
      }),
    );
  });
});
