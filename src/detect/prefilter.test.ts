// The prefilter's fast paths against plain definitions: the folding substring scan and the keyword
// regex against toLowerCase + includes, and the prefiltered engine against the reference
// interpreter on generated events full of case traps (Kelvin sign, dotted I, final sigma, ®).

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import type { JsonObject, LogSource } from "../core/index.js";
import { DetectionEngine } from "./engine.js";
import {
  factors,
  inScalarText,
  keywordScan,
  NameTable,
  NumberIndex,
  Prefilter,
  regexLiteral,
} from "./prefilter.js";
import { loadYaml, matchIds } from "./sigma/test-support.js";
import { SubstringSet } from "./substrings.js";

/** Characters where case folding is easy to get wrong, among plain ones. */
const TRICKY = [
  "a",
  "k",
  "i",
  "s",
  "K",
  "I",
  "S",
  ":",
  "\\",
  "\u212a",
  "\u0130",
  "\u0307",
  "\u03a3",
  "\u03c3",
];
const MORE = ["\u00ae", "\u00c5", "\u00e5", "\u212b", "\u1e9e", "\u00df", "\ud801\udc00", "\u0131", "\u017f"];
const char = fc.constantFrom(...TRICKY, ...MORE);
const text = fc.array(char, { maxLength: 12 }).map((cs) => cs.join(""));
const needle = text.filter((s) => s.length > 0).map((s) => s.toLowerCase());

const contains = (t: string, needles: readonly string[]) => needles.some((n) => t.toLowerCase().includes(n));

describe("case folding assumptions", () => {
  test("toLowerCase lengthens only U+0130 (the prefilter's length skip relies on it)", () => {
    for (let code = 0; code <= 0x10ffff; code++) {
      if (code >= 0xd800 && code < 0xe000) continue;
      const c = String.fromCodePoint(code);
      if (c.toLowerCase().length > c.length) assert.equal(code, 0x130, `U+${code.toString(16)}`);
    }
  });
});

describe("NumberIndex", () => {
  test("finds what a Map finds, for small integers and any other number (property)", () => {
    const number = fc.oneof(
      fc.integer({ min: -5, max: 70_000 }),
      fc.constantFrom(0, -0, 8191, 8192, 65_535, 65_536, 4688.5, 1e21, -1, Number.MAX_SAFE_INTEGER),
      fc.double({ noNaN: true }),
    );
    fc.assert(
      fc.property(
        fc.array(number, { maxLength: 12 }),
        fc.array(number, { maxLength: 12 }),
        (keys, probes) => {
          const index = new NumberIndex();
          const map = new Map<number, number[]>();
          keys.forEach((k, i) => {
            index.set(k, [i]);
            map.set(k, [i]);
          });
          for (const n of [...keys, ...probes]) assert.deepEqual(index.get(n), map.get(n), `${n}`);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("NameTable", () => {
  const name = fc.oneof(
    fc.string({ maxLength: 70 }),
    fc.constantFrom(
      "",
      "Image",
      "CallTrace",
      "\u0000any",
      "ImageLoaded",
      "Imagf",
      "ab",
      "ba",
      "aab",
      "a".repeat(64),
    ),
  );
  test("finds what a Map finds (property)", () =>
    fc.assert(
      fc.property(fc.array(name, { maxLength: 40 }), fc.array(name, { maxLength: 20 }), (names, keys) => {
        const map = new Map(names.map((n, i) => [n, i] as const));
        const table = new NameTable(map);
        for (const k of [...names, ...keys]) assert.equal(table.get(k), map.get(k), JSON.stringify(k));
      }),
      { numRuns: 3000 },
    ));
  test("names that agree on length and sampled characters share a run of slots", () => {
    // same length, first, middle and last characters: the same hash
    const names = ["abxca", "acxda", "adxba", "aexea"];
    const table = new NameTable(names.map((n, i) => [n, i] as const));
    for (const [i, n] of names.entries()) assert.equal(table.get(n), i);
    assert.equal(table.get("afxfa"), undefined);
    assert.equal(new NameTable([]).get(""), undefined);
    assert.equal(new NameTable([["", 1]]).get(""), 1);
  });
});

describe("SubstringSet", () => {
  test("needles' non-ASCII characters take no table columns (they once took 317 MiB)", () => {
    // 2,000 needles of 8 characters, each with a CJK character of its own after a shared "ab": a
    // trie of 12,003 states; one column per character would make 2,008 columns (96 MB), ASCII
    // columns alone are 8
    const set = new SubstringSet();
    for (let i = 0; i < 2000; i++) set.add(`ab${String.fromCharCode(0x4e00 + i)}cdefg`, i);
    assert.ok(set.tableBytes < 12_003 * 10 * 4, `${set.tableBytes} bytes`);
    const found: number[] = [];
    assert.equal(set.collect(`xx AB${String.fromCharCode(0x4e00 + 1234)}CDEFG yy`, found, true), true);
    assert.deepEqual(found, [1234]);
  });

  test("collect (folding or not) finds exactly the needles toLowerCase + includes finds", () => {
    fc.assert(
      fc.property(fc.array(needle, { minLength: 1, maxLength: 6 }), text, (needles, t) => {
        const set = new SubstringSet();
        for (const [i, n] of needles.entries()) set.add(n, i);
        const expected = needles.flatMap((n, i) => (t.toLowerCase().includes(n) ? [i] : []));
        const lowered: number[] = [];
        set.collect(t.toLowerCase(), lowered);
        assert.deepEqual([...new Set(lowered)].sort(), expected);
        const folded: number[] = [];
        if (set.collect(t, folded, true)) assert.deepEqual([...new Set(folded)].sort(), expected);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("keywordScan", () => {
  test("agrees with toLowerCase + includes", () => {
    fc.assert(
      fc.property(fc.array(needle, { minLength: 1, maxLength: 6 }), text, (needles, t) => {
        assert.equal(keywordScan(needles)(t), contains(t, needles));
      }),
      { numRuns: 2000 },
    );
  });
  test("finds a needle in text that differs from it only by a Kelvin sign or a dotted I", () => {
    assert.equal(keywordScan(["kiwi"])("\u212aiwi"), true);
    assert.equal(keywordScan(["mi"])("M\u0130"), true);
    assert.equal(keywordScan(["mimi"])("M\u0130M\u0130"), false);
  });
  test("agrees with toLowerCase + includes for ASCII needles (the fast path through factors)", () => {
    const asciiNeedle = fc
      .array(fc.constantFrom("a", "k", "i", "s", ":", ".", "\\", " ", "x"), { minLength: 1, maxLength: 6 })
      .map((cs) => cs.join(""));
    fc.assert(
      fc.property(fc.array(asciiNeedle, { minLength: 1, maxLength: 6 }), text, (needles, t) => {
        assert.equal(keywordScan(needles)(t), contains(t, needles));
      }),
      { numRuns: 3000 },
    );
  });
  test("factors: every needle holds one; punctuation and longer pieces preferred", () => {
    fc.assert(
      fc.property(fc.array(needle, { minLength: 1, maxLength: 8 }), (needles) => {
        const fs = factors(needles);
        for (const n of needles)
          assert.ok(
            fs.some((f) => n.includes(f)),
            `${n} has none of ${fs}`,
          );
      }),
    );
    assert.deepEqual(factors(["misc::a", "kerberos::b", "gentilkiwi.com", "eo.oe.kiwi"]), ["::", "kiwi"]);
  });
  test("factors: pieces that start with a rare character are preferred (V8 skips to those)", () => {
    // "esx admins" starts with the commonest letter: V8 would stop at nearly every character
    assert.deepEqual(factors(["misc::a", "kerberos::b", "gentilkiwi.com", "eo.oe.kiwi", "esx admins"]), [
      "::",
      "kiwi",
      "x admins",
    ]);
    assert.deepEqual(factors(["\\perfc.dat"]), ["perfc.da"]);
    // covering more needles still comes first
    assert.deepEqual(factors(["tasks", "stask"]), ["task"]);
  });
  test("no astral character lower-cases to ASCII (the quick pattern's classes cover the BMP only)", () => {
    for (let code = 0x10000; code <= 0x10ffff; code++) {
      const lower = String.fromCodePoint(code).toLowerCase();
      for (const c of lower) assert.ok(c.charCodeAt(0) >= 128, `U+${code.toString(16)} lower-cases to ${c}`);
    }
  });
  test("finds needles in text cased every way, and not in text that only /i would equate", () => {
    assert.equal(keywordScan(["sekurlsa::"])("x SeKuRlSa::LogonPasswords"), true);
    assert.equal(keywordScan(["kiwi"])("\u212aIWI"), true);
    // U+017F LATIN SMALL LONG S: /i equates it with "s"; toLowerCase keeps it, so it is no "s"
    assert.equal(keywordScan(["sekurlsa::"])("\u017fekurlsa::"), false);
    // U+0130 lower-cases to "i\u0307": it ends a needle, but splits one it stands inside
    assert.equal(keywordScan(["mimikatz"])("MIM\u0130KATZ"), false);
    assert.equal(keywordScan(["mimikatz"])("MIM\u0130KATZ mimikatz"), true);
    assert.equal(keywordScan(["kiwi"])("KIW\u0130"), true);
  });
  test("finds needles V8 mis-compiles into a case-insensitive alternation", () => {
    assert.equal(keywordScan(["\u017f", "s", "st"])("s"), true);
    assert.equal(keywordScan(["\u212a", "k", "kk"])("k"), true);
  });
});

const RULES = ["k\u212ai", "si:", "\\\\sekurlsa", "\u03c3\u03c3", "i\u0307k"];
const rulesYaml = RULES.map(
  (n, i) =>
    `title: kw ${i}\nid: kw-${i}\nlogsource:\n  product: windows\ndetection:\n  keywords:\n    - '${n}'\n  condition: keywords\n---\n` +
    `title: field ${i}\nid: field-${i}\nlogsource:\n  product: windows\ndetection:\n  sel:\n    CommandLine|contains: '${n}'\n  condition: sel\n---\n` +
    `title: exact ${i}\nid: exact-${i}\nlogsource:\n  product: windows\ndetection:\n  sel:\n    Image: '${n}'\n  condition: sel\n---\n` +
    // two necessary conditions (clauses), within one selection and across an `and`
    `title: both ${i}\nid: both-${i}\nlogsource:\n  product: windows\ndetection:\n  sel:\n    CommandLine|contains: '${n}'\n    Image: '${n.slice(1)}'\n  condition: sel\n---\n` +
    `title: and ${i}\nid: and-${i}\nlogsource:\n  product: windows\ndetection:\n  a:\n    Other|startswith: '${n}'\n  b:\n    - '${n.slice(0, 2)}'\n  e:\n    Image: '${n}'\n  condition: a and b and e and not 1 of c*\n  c1:\n    Image: x\n---\n` +
    `title: or ${i}\nid: or-${i}\nlogsource:\n  product: windows\ndetection:\n  a:\n    Other|endswith: '${n}'\n  b:\n    CommandLine: '${n}'\n  condition: a or b\n`,
).join("---\n");

describe("prefiltered engine", () => {
  test("gives the reference interpreter's hits on generated events", () => {
    const r = loadYaml({ "rules.yml": rulesYaml });
    assert.deepEqual(r.report.errors, []);
    const compiled = new DetectionEngine(r, { evaluator: "compiled" });
    const interpreted = new DetectionEngine(r, { evaluator: "interpreted" });
    const logsource: LogSource = { product: "windows", categories: [] };
    const value = fc.oneof(text, fc.integer(), fc.array(text, { maxLength: 3 }));
    const event = fc.record(
      // Free and Note: keys no rule names, searched for keywords only (their last texts remembered)
      {
        CommandLine: value,
        Image: value,
        Other: value,
        Free: value,
        Note: text,
        Nested: fc.record({ x: text }),
      },
      {
        requiredKeys: [],
      },
    );
    fc.assert(
      fc.property(event, (fields) => {
        const e = { fields: fields as JsonObject, logsource, time: undefined };
        assert.deepEqual(
          compiled.match(e).map((x) => x.id),
          interpreted.match(e).map((x) => x.id),
        );
      }),
      { numRuns: 3000 },
    );
  });
});

describe("long OR lists", () => {
  test("equals/startswith/endswith looked up by length agree with the interpreter", () => {
    const values = [
      "\\\\a.dll",
      "\\\\bb.dll",
      "\\\\K.DLL",
      "c:\\\\x",
      "ab",
      "\\u212a",
      "s",
      "\\\\ccc.dll",
      "\\\\d.exe",
    ];
    const list = (modifier: string) =>
      values
        .map((v) => `      - "${v}"`)
        .join("\n")
        .replace(/^/, `    F${modifier}:\n`);
    const r = loadYaml({
      "rules.yml": ["", "|startswith", "|endswith"]
        .map(
          (m, i) =>
            `title: list ${i}\nid: list-${i}\nlogsource:\n  product: windows\ndetection:\n  sel:\n${list(m)}\n  condition: sel\n`,
        )
        .join("---\n"),
    });
    assert.deepEqual(r.report.errors, []);
    const piece = fc.constantFrom(
      "\\",
      "a",
      "A",
      "b",
      ".dll",
      ".DLL",
      "k",
      "K",
      "\u212a",
      "c:",
      "x",
      "s",
      "S",
      "ab",
    );
    const value = fc.array(piece, { maxLength: 5 }).map((p) => p.join(""));
    fc.assert(
      fc.property(fc.oneof(value, fc.array(value, { maxLength: 3 })), (F) => {
        matchIds(r, { F });
      }),
      { numRuns: 3000 },
    );
    assert.deepEqual(matchIds(r, { F: "x\\BB.DLL" }), ["list-2"]);
    assert.deepEqual(matchIds(r, { F: "AB" }), ["list-0", "list-1", "list-2"]);
  });
});

describe("many indexed fields", () => {
  test("walking the event's keys (over 24 fields) gives the interpreter's hits", () => {
    const rule = (i: number) =>
      `title: f${i}\nid: f-${i}\nlogsource:\n  product: windows\ndetection:\n  sel:\n    F${i}|contains: 'k${i % 3}'\n  exact:\n    F${(i + 1) % 30}: 'K'\n  condition: sel or exact\n`;
    const r = loadYaml({ "rules.yml": Array.from({ length: 30 }, (_, i) => rule(i)).join("---\n") });
    assert.deepEqual(r.report.errors, []);
    const name = fc.integer({ min: 0, max: 34 }).map((i) => `F${i}`);
    const value = fc.oneof(
      fc.constantFrom("k0", "K1", "xk2x", "k", "\u212a", "\u212a0"),
      fc.integer({ min: 0, max: 3 }),
    );
    fc.assert(
      fc.property(fc.dictionary(name, value, { maxKeys: 12 }), (fields) => {
        matchIds(r, fields as JsonObject);
      }),
      { numRuns: 2000 },
    );
    assert.deepEqual(matchIds(r, { F4: "xK1" }), ["f-4"]);
  });
  test("an event's keys remembered for the next one do not leak into it (orders and keys change)", () => {
    const rule = (i: number) =>
      `title: f${i}\nid: f-${i}\nlogsource:\n  product: windows\ndetection:\n  sel:\n    F${i}|contains: 'k'\n  condition: sel\n`;
    const r = loadYaml({ "rules.yml": Array.from({ length: 30 }, (_, i) => rule(i)).join("---\n") });
    // one engine for the whole sequence (matchIds keeps it), so each event follows another's keys
    assert.deepEqual(matchIds(r, { F1: "k", F2: "x", X: "k" }), ["f-1"]);
    assert.deepEqual(matchIds(r, { F2: "k", F1: "x", X: "k" }), ["f-2"]);
    assert.deepEqual(matchIds(r, { X: "k", F1: "x", F2: "k" }), ["f-2"]);
    assert.deepEqual(matchIds(r, { X: "k", F1: "k" }), ["f-1"]);
    assert.deepEqual(matchIds(r, { F3: "k", Y: "k", F1: "x", F2: "x", F4: "k" }), ["f-3", "f-4"]);
    assert.deepEqual(matchIds(r, { F3: "x", Y: "k", F1: "k" }), ["f-1"]);
  });
});

describe("regexLiteral", () => {
  test("golden: the longest run every match contains", () => {
    const cases: [string, string, string | undefined][] = [
      ["\\\\AppData\\\\Local\\\\Temp\\\\dat[0-9A-Z]{4}\\.tmp", "", "\\appdata\\local\\temp\\dat"],
      ["abc|defgh", "", undefined],
      ["x(abc|def)yz", "", "yz"],
      ["colou?r", "", "colo"],
      ["ab+cd", "", "ab"],
      ["ab+cde", "", "cde"],
      ["x\\d{2,3}yz", "", "yz"],
      ["abcd*e", "", "abc"],
      ["abc{2}", "", "ab"],
      ["\\d+\\.exe", "", ".exe"],
      ["[abc]]xyz", "", "]xyz"],
      ["sekurlsa::logon", "i", "a::logon"],
      ["(?i)mimikatz", "", "mimi"],
      ["\\Qa.b\\E", "", undefined],
      ["^cmd\\.exe$", "", "cmd.exe"],
      ["caf\u00e9-latte", "", "-latte"],
    ];
    for (const [source, flags, expected] of cases)
      assert.equal(regexLiteral(source, flags), expected, source);
  });

  // A regex built from parts alongside a string that matches it by construction: the literal,
  // when there is one, is in the lower-cased string.
  const part = fc.oneof(
    fc.constantFrom("a", "b", "s", "k", "K", "Z", ".", "-", ":", "\\", "/", "(", "[", "é").map((c) => ({
      src: /[.\\/()[\]]/.test(c) ? `\\${c}` : c,
      gen: fc.constant(c),
    })),
    fc.constant({ src: "[a-c]", gen: fc.constantFrom("a", "b", "c") }),
    fc.constant({ src: ".", gen: fc.constantFrom("x", "\\", "a", ":") }),
    fc.constant({ src: "\\d", gen: fc.constantFrom("0", "7") }),
    fc.constant({ src: "(ab|k:)", gen: fc.constantFrom("ab", "k:") }),
  );
  type Part = { src: string; gen: fc.Arbitrary<string> };
  const quantified = fc
    .tuple(part, fc.constantFrom("", "", "", "?", "*", "+", "{0,2}", "{2}"))
    .map(([p, q]: [Part, string]): Part => {
      if (q === "") return p;
      const [lo, hi] =
        q === "?" ? [0, 1] : q === "*" ? [0, 2] : q === "+" ? [1, 2] : q === "{2}" ? [2, 2] : [0, 2];
      return {
        src:
          p.src.length > 1 && !p.src.startsWith("\\") && !p.src.startsWith("(") && !p.src.startsWith("[")
            ? `(?:${p.src})${q}`
            : `${p.src}${q}`,
        gen: fc.array(p.gen, { minLength: lo, maxLength: hi }).map((xs) => xs.join("")),
      };
    });
  test("property: every string the regex matches holds the literal, whatever its case under i", () => {
    fc.assert(
      fc.property(
        fc.array(quantified, { minLength: 1, maxLength: 8 }).chain((parts) =>
          fc.tuple(
            fc.constant(parts.map((p) => p.src).join("")),
            fc.tuple(...parts.map((p) => p.gen)).map((xs) => xs.join("")),
            fc.constantFrom("", "i"),
            fc.boolean(),
          ),
        ),
        ([source, text, flags, upper]) => {
          const subject = flags === "i" && upper ? text.toUpperCase() : text;
          assert.ok(new RegExp(source, flags).test(subject), `/${source}/${flags} on ${subject}`);
          const literal = regexLiteral(source, flags);
          if (literal !== undefined)
            assert.ok(subject.toLowerCase().includes(literal), `${literal} in ${subject}`);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("keywords in numbers and booleans", () => {
  test("a needle inScalarText rejects is in no String() of a number or boolean (property)", () => {
    const scalar = fc.oneof(
      fc.double(),
      fc.integer(),
      fc.boolean(),
      fc.constantFrom(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, -0, 1e21, 5e-324),
    );
    const needleChars = fc.constantFrom(..."0123456789.e+-infatyrulsx".split(""));
    const needle = fc.array(needleChars, { minLength: 1, maxLength: 6 }).map((cs) => cs.join(""));
    fc.assert(
      fc.property(needle, scalar, (n, x) => {
        if (String(x).toLowerCase().includes(n)) assert.ok(inScalarText(n), `${n} in ${String(x)}`);
      }),
      { numRuns: 5000 },
    );
    for (const n of ["1e+21", "nan", "infinity", "-inf", "rue", "4688"]) assert.ok(inScalarText(n), n);
    for (const n of ["::", "mimikatz", "0x1410", "true1"]) assert.equal(inScalarText(n), false, n);
  });
});

describe("prefilter memo", () => {
  test("a field whose values do not repeat loses its memo; matching goes on the same", () => {
    const rules = loadYaml(`
title: Logon of the system account
logsource: { product: windows, service: security }
detection:
  sel: { LogonId: '0x3e7', TargetUserName|contains: admin }
  condition: sel
`);
    const engine = new DetectionEngine(rules);
    const logsource: LogSource = { product: "windows", service: "security", categories: [] };
    const event = (i: number, id: string): JsonObject => ({
      LogonId: id,
      TargetUserName: i % 2 ? "administrator" : "bob",
    });
    let hits = 0;
    for (let i = 0; i < 6000; i++) {
      const id = i % 1000 === 0 ? "0x3E7" : `0x${(0x10000 + i).toString(16)}`;
      hits += engine.match({ fields: event(i, id), logsource, time: undefined }).length;
    }
    // every 1000th event has the system logon id; the odd ones are administrators
    assert.equal(hits, 0, "i % 1000 === 0 is even: bob");
    assert.equal(engine.match({ fields: event(1, "0x3e7"), logsource, time: undefined }).length, 1);
    // TargetUserName repeats (two values) and keeps its memo; LogonId stopped being looked up
    const { lookups, hits: found } = engine.memoStats;
    assert.ok(lookups < 6000 + 2000, `${lookups} lookups`);
    assert.ok(found > 5000, `${found} found`);
  });
});

describe("shared automata", () => {
  test("prefilters with the same needles on a field share one automaton and answer alike", () => {
    const atom = (needle: string) => ({ field: "CommandLine", needle, exact: false });
    // more needles than the few searched one by one, so the field gets an automaton
    const needles = [...Array(12)].map((_, i) => `needle-${i}-x`);
    const clauses = needles.map((n) => [[atom(n)]]);
    const automata = new Map();
    const a = new Prefilter(clauses, true, [], automata);
    const b = new Prefilter([[[{ ...atom("other"), field: "Image" }]], ...clauses], true, [], automata);
    const c = new Prefilter(clauses.slice(1), true, [], automata);
    assert.equal(
      automata.size,
      2,
      "a and b share theirs (b's other rule is on another field); c has other needles",
    );
    assert.deepEqual(a.candidates({ CommandLine: "x NEEDLE-3-X y needle-11-x" }), [3, 11]);
    assert.deepEqual(b.candidates({ CommandLine: "x NEEDLE-3-X y needle-11-x" }), [4, 12]);
    assert.deepEqual(c.candidates({ CommandLine: "x NEEDLE-3-X y needle-11-x" }), [2, 10]);
  });
});
