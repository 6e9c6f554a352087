import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import type { Observable } from "../../core/soc.js";
import {
  type ComparisonExpression,
  type Literal,
  type ObjectPath,
  type ObservationExpression,
  printPattern,
  quote,
} from "./pattern-ast.js";
import { patternAstOf, patternOf } from "./pattern-build.js";
import { parsePattern } from "./pattern-parse.js";

const CORPUS = fileURLToPath(new URL("../../../../../shared/corpus/stix/", import.meta.url));

const parses = (text: string) => {
  const r = parsePattern(text);
  assert.ok(r.ok, `${text}: ${r.ok ? "" : r.error.message}`);
  return r.value;
};
const fails = (text: string, code = "pattern-syntax") => {
  const r = parsePattern(text);
  assert.ok(!r.ok, `${text} should not parse`);
  assert.equal(r.error.code, code, `${text}: ${r.error.message}`);
  return r.error;
};

describe("parsePattern: the grammar", () => {
  it("reads every operator, both spellings of = and !=, and NOT", () => {
    for (const op of ["=", "==", "!=", "<>", "<", ">", "<=", ">="]) parses(`[x-y:a ${op} 5]`);
    for (const op of ["LIKE", "MATCHES", "ISSUBSET", "ISSUPERSET"])
      parses(`[ipv4-addr:value ${op} '198.51.100.0/24']`);
    parses("[file:name NOT LIKE 'a%']");
    parses("[file:size IN (1, 2, 3)]");
    parses("[file:size NOT IN ()]");
    parses("[EXISTS windows-registry-key:values AND NOT EXISTS file:name]");
    const eq = parses("[a-b:c == 'x']");
    assert.equal(
      eq.kind === "observation" && eq.comparison.kind === "compare" && eq.comparison.operator,
      "=",
    );
  });

  it("reads the spec's examples: paths with quoted parts, indexes, qualifiers, FOLLOWEDBY", () => {
    parses("[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']");
    parses("[email-message:body_multipart[*].body_raw_ref.name MATCHES '^Final Report.+\\\\.exe$']");
    parses("[network-traffic:extensions.'http-request-ext'.request_header.'Accept-Encoding' = 'gzip']");
    parses("[x:list[0] = 1 AND x:list[-1] = 2]");
    parses("([file:name = 'a'] AND [file:name = 'b']) WITHIN 300 SECONDS");
    parses("[file:name = 'a'] REPEATS 5 TIMES WITHIN 1.5 SECONDS");
    parses("[file:name = 'a'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00.123Z'");
    parses("[a:b = 1] FOLLOWEDBY [a:b = 2] OR [a:b = 3] AND [a:b = 4]");
    parses("[artifact:payload_bin = b'aGVsbG8='] OR [file:magic_number_hex = h'ffd8']");
    parses("[x:y = true] AND [x:z != false] AND [x:t > t'2020-01-01T00:00:00Z'] AND [x:f <= -1.5]");
    parses("/* comment */ [x:y = 1] // trailing\n");
  });

  it("gives precedence: AND over OR over FOLLOWEDBY, left-associative", () => {
    const p = parses("[a:b = 1] FOLLOWEDBY [a:b = 2] OR [a:b = 3] AND [a:b = 4]");
    assert.equal(p.kind, "followedby");
    assert.ok(p.kind === "followedby" && p.right.kind === "or" && p.right.right.kind === "and");
    const c = parses("[a:b = 1 OR a:b = 2 AND a:b = 3]");
    assert.ok(c.kind === "observation" && c.comparison.kind === "or" && c.comparison.right.kind === "and");
  });

  it("prints with just the parentheses precedence needs", () => {
    for (const text of [
      "([a:b = 1] AND [a:b = 2]) WITHIN 5 SECONDS",
      "[a:b = 1] AND ([a:b = 2] AND [a:b = 3])",
      "([a:b = 1] OR [a:b = 2]) AND [a:b = 3]",
      "[(a:b = 1 OR a:b = 2) AND a:b = 3]",
      "[a:b = 1 OR (a:b = 2 OR a:b = 3)]",
      "[a:b = 1] FOLLOWEDBY ([a:b = 2] FOLLOWEDBY [a:b = 3])",
      "[a:b = 1] REPEATS 2 TIMES WITHIN 5 SECONDS",
      "[file:hashes.'SHA-256' = 'x' AND x:'AND'[*].'true' NOT IN ('a', 1, -2.5, true)]",
    ])
      assert.equal(printPattern(parses(text)), text);
  });

  it("unescapes \\' and \\\\ in strings", () => {
    const p = parses("[url:value = 'http://x/\\'a\\'\\\\b']");
    assert.ok(p.kind === "observation" && p.comparison.kind === "compare");
    assert.deepEqual(p.comparison.value, { kind: "string", value: "http://x/'a'\\b" });
  });

  it("refuses what the grammar refuses, with the offset", () => {
    assert.match(fails("[ipv4-addr:value = '1.2.3.4'").message, /offset 28: expected '\]'/);
    fails("ipv4-addr:value = '1.2.3.4'");
    fails("[ipv4-addr:value = 1.2.3.4]");
    fails("[ipv4-addr:value = 'x\\n']"); // only \' and \\ may be escaped
    fails("[file:name = 'a'");
    fails("[file:hashes.SHA-256 = 'a']"); // a hyphenated name must be quoted
    fails("[file:name LIKE 5]");
    fails("[file:size > true]");
    fails("[x:y = 01]");
    fails("[x:y = t'2020-13-01T00:00:00Z']");
    fails("[x:y = b'abc']");
    fails("[x:y = h'abc']");
    fails("[x:y = 1] WITHIN -5 SECONDS");
    fails("[x:y = 1] REPEATS 1.5 TIMES");
    fails("[AND:y = 1]");
    fails("[x:y = 1] [x:y = 2]");
    fails("");
    fails("/* never closed");
  });

  it("checks the rules the grammar cannot: one qualifier of a kind, STOP after START, positive counts", () => {
    fails("[x:y = 1] WITHIN 5 SECONDS WITHIN 6 SECONDS", "pattern-invalid");
    fails("[x:y = 1] START t'2020-01-02T00:00:00Z' STOP t'2020-01-01T00:00:00Z'", "pattern-invalid");
    fails("[x:y = 1] REPEATS 0 TIMES", "pattern-invalid");
    fails("[x:y = 1] WITHIN 0 SECONDS", "pattern-invalid");
    parses("[x:y = 1] WITHIN 5 SECONDS REPEATS 2 TIMES");
  });

  it("refuses deep nesting instead of overflowing the stack", () => {
    const r = parsePattern(`${"(".repeat(10_000)}[x:y = 1]${")".repeat(10_000)}`);
    assert.ok(!r.ok && /nested deeper/.test(r.error.message));
  });

  it("parses every STIX pattern in the OASIS corpus", (t) => {
    if (!existsSync(CORPUS)) return t.skip(`corpus not found at ${CORPUS}`);
    const patterns = new Set<string>();
    const walk = (d: string): void => {
      for (const n of readdirSync(d)) {
        const p = join(d, n);
        if (statSync(p).isDirectory()) walk(p);
        else if (n.endsWith(".json") && !p.includes("/schemas/") && !p.includes("/interop/")) {
          const text = readFileSync(p, "utf8");
          for (const m of text.matchAll(/"pattern":\s*("(?:[^"\\]|\\.)*")/g))
            patterns.add(JSON.parse(m[1]!) as string);
        }
      }
    };
    walk(CORPUS);
    assert.ok(patterns.size >= 20, `found ${patterns.size} patterns`);
    for (const p of patterns) {
      const ast = parses(p);
      assert.deepEqual(parses(printPattern(ast)), ast, p);
    }
  });
});

describe("patterns from observables", () => {
  it("golden: one observation per object type, values OR-ed, sorted", () => {
    assert.equal(patternOf([{ kind: "ipv4", value: "203.0.113.47" }]), "[ipv4-addr:value = '203.0.113.47']");
    assert.equal(
      patternOf([{ kind: "domain", value: "evil.example" }]),
      "[domain-name:value = 'evil.example']",
    );
    assert.equal(
      patternOf([{ kind: "sha256", value: "ab".repeat(32) }]),
      `[file:hashes.'SHA-256' = '${"ab".repeat(32)}']`,
    );
    assert.equal(
      patternOf([{ kind: "md5", value: "ab".repeat(16) }]),
      `[file:hashes.MD5 = '${"ab".repeat(16)}']`,
    );
    assert.equal(
      patternOf([{ kind: "sha1", value: "ab".repeat(20) }]),
      `[file:hashes.'SHA-1' = '${"ab".repeat(20)}']`,
    );
    assert.equal(
      patternOf([{ kind: "cidr", value: "198.51.100.0/24" }]),
      "[ipv4-addr:value = '198.51.100.0/24']",
    );
    assert.equal(
      patternOf([{ kind: "cidr", value: "2001:db8::/32" }]),
      "[ipv6-addr:value = '2001:db8::/32']",
    );
    assert.equal(
      patternOf([{ kind: "email", value: "x@evil.example" }]),
      "[email-addr:value = 'x@evil.example']",
    );
    assert.equal(
      patternOf([{ kind: "url", value: "http://e.example/a'b\\c" }]),
      "[url:value = 'http://e.example/a\\'b\\\\c']",
    );
    assert.equal(
      patternOf([{ kind: "process", value: "C:\\Windows\\evil.exe" }]),
      "[file:name = 'evil.exe']",
    );
    assert.equal(
      patternOf([
        { kind: "ipv4", value: "203.0.113.47" },
        { kind: "domain", value: "evil.example" },
        { kind: "ipv4", value: "198.51.100.7" },
        { kind: "ipv4", value: "203.0.113.47" },
      ]),
      "[domain-name:value = 'evil.example'] OR [ipv4-addr:value = '198.51.100.7' OR ipv4-addr:value = '203.0.113.47']",
    );
    assert.equal(patternOf([]), undefined);
  });

  const observable: fc.Arbitrary<Observable> = fc.oneof(
    fc.ipV4().map((value) => ({ kind: "ipv4" as const, value })),
    fc.ipV6().map((value) => ({ kind: "ipv6" as const, value })),
    fc.domain().map((value) => ({ kind: "domain" as const, value })),
    fc.webUrl().map((value) => ({ kind: "url" as const, value })),
    fc.emailAddress().map((value) => ({ kind: "email" as const, value })),
    fc.stringMatching(/^[0-9a-f]{64}$/).map((value) => ({ kind: "sha256" as const, value })),
    fc.string({ minLength: 1, maxLength: 40 }).map((value) => ({ kind: "account" as const, value })),
  );

  it("property: the pattern of any observables parses, and order does not change it", () => {
    fc.assert(
      fc.property(fc.array(observable, { minLength: 1, maxLength: 12 }), (obs) => {
        const text = patternOf(obs)!;
        const r = parsePattern(text);
        assert.ok(r.ok, `${text}: ${r.ok ? "" : r.error.message}`);
        assert.deepEqual(r.value, patternAstOf(obs));
        assert.equal(patternOf([...obs].reverse()), text);
      }),
    );
  });
});

describe("print then parse", () => {
  const name = fc.oneof(fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/), fc.string({ maxLength: 10 }));
  const path: fc.Arbitrary<ObjectPath> = fc.record({
    objectType: fc
      .stringMatching(/^[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,5})?$/)
      .filter((t) => t !== "t" && t !== "b" && t !== "h"),
    steps: fc
      .tuple(
        name.map((n) => ({ kind: "key" as const, name: n })),
        fc.array(
          fc.oneof(
            name.map((n) => ({ kind: "key" as const, name: n })),
            fc
              .oneof(fc.integer({ min: -5, max: 99 }), fc.constant("*" as const))
              .map((index) => ({ kind: "index" as const, index })),
          ),
          { maxLength: 3 },
        ),
      )
      .map(([first, rest]) => [first, ...rest] as ObjectPath["steps"]),
  });
  const timestamp = fc
    .date({
      min: new Date("1970-01-01T00:00:00Z"),
      max: new Date("2200-01-01T00:00:00Z"),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString());
  const literal: fc.Arbitrary<Literal> = fc.oneof(
    fc.string({ maxLength: 20 }).map((value) => ({ kind: "string" as const, value })),
    fc.integer().map((n) => ({ kind: "int" as const, text: String(n) })),
    fc
      .tuple(fc.integer({ min: -999, max: 999 }), fc.nat(9999))
      .map(([a, b]) => ({ kind: "float" as const, text: `${a < 0 ? "-" : ""}${Math.abs(a)}.${b}` })),
    fc.boolean().map((value) => ({ kind: "bool" as const, value })),
    timestamp.map((value) => ({ kind: "timestamp" as const, value })),
    fc
      .uint8Array({ minLength: 1, maxLength: 12 })
      .map((b) => ({ kind: "binary" as const, base64: Buffer.from(b).toString("base64") })),
    fc
      .uint8Array({ maxLength: 8 })
      .map((b) => ({ kind: "hex" as const, hex: Buffer.from(b).toString("hex") })),
  );
  const stringLit = fc.string({ maxLength: 20 }).map((value) => ({ kind: "string" as const, value }));
  const { comparison } = fc.letrec<{ comparison: ComparisonExpression; leaf: ComparisonExpression }>(
    (tie) => ({
      leaf: fc.oneof(
        fc.record({
          kind: fc.constant("compare" as const),
          path,
          negated: fc.boolean(),
          operator: fc.constantFrom("=" as const, "!=" as const),
          value: literal,
        }),
        fc.record({
          kind: fc.constant("compare" as const),
          path,
          negated: fc.boolean(),
          operator: fc.constantFrom("<" as const, ">" as const, "<=" as const, ">=" as const),
          value: literal.filter((l) => l.kind !== "bool"),
        }),
        fc.record({
          kind: fc.constant("compare" as const),
          path,
          negated: fc.boolean(),
          operator: fc.constantFrom(
            "LIKE" as const,
            "MATCHES" as const,
            "ISSUBSET" as const,
            "ISSUPERSET" as const,
          ),
          value: stringLit,
        }),
        fc.record({
          kind: fc.constant("in" as const),
          path,
          negated: fc.boolean(),
          values: fc.array(literal, { maxLength: 3 }),
        }),
        fc.record({ kind: fc.constant("exists" as const), path, negated: fc.boolean() }),
      ),
      comparison: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        tie("leaf"),
        fc.record({
          kind: fc.constantFrom("and" as const, "or" as const),
          left: tie("comparison"),
          right: tie("comparison"),
        }),
      ),
    }),
  );
  const { observation } = fc.letrec<{ observation: ObservationExpression }>((tie) => ({
    observation: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      comparison.map((c) => ({ kind: "observation" as const, comparison: c })),
      fc.record({
        kind: fc.constantFrom("and" as const, "or" as const, "followedby" as const),
        left: tie("observation"),
        right: tie("observation"),
      }),
      fc.record({
        kind: fc.constant("qualified" as const),
        expression: comparison.map((c) => ({ kind: "observation" as const, comparison: c })),
        qualifier: fc.oneof(
          fc
            .integer({ min: 1, max: 9999 })
            .map((n) => ({ kind: "within" as const, seconds: { kind: "int" as const, text: String(n) } })),
          fc
            .integer({ min: 1, max: 99 })
            .map((n) => ({ kind: "repeats" as const, times: { kind: "int" as const, text: String(n) } })),
          fc.tuple(timestamp, fc.integer({ min: 1, max: 1e9 })).map(([start, ms]) => ({
            kind: "start-stop" as const,
            start,
            stop: new Date(Date.parse(start) + ms).toISOString(),
          })),
        ),
      }),
    ),
  }));

  it("property: parse(print(ast)) is ast", () => {
    fc.assert(
      fc.property(observation, (ast) => {
        const text = printPattern(ast);
        const r = parsePattern(text);
        assert.ok(r.ok, `${text}: ${r.ok ? "" : r.error.message}`);
        // fast-check's records have null prototypes; compare as plain JSON.
        assert.deepEqual(r.value, JSON.parse(JSON.stringify(ast)));
      }),
      { numRuns: 300 },
    );
  });

  it("property: any text gives a result, never an exception", () => {
    const alphabet = fc.constantFrom(
      ..."[]()'\\:.,=!<>*-+ \tabtxyzhAND OR FOLLOWEDBY WITHIN SECONDS 0123456789".split(""),
    );
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: alphabet, maxLength: 80 })),
        (s) => {
          const r = parsePattern(s);
          assert.equal(typeof r.ok, "boolean");
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("quote escapes exactly quotes and backslashes", () => {
    assert.equal(quote("a'b\\c"), "'a\\'b\\\\c'");
    fc.assert(
      fc.property(fc.string(), (s) => {
        const r = parsePattern(`[x:y = ${quote(s)}]`);
        assert.ok(r.ok && r.value.kind === "observation" && r.value.comparison.kind === "compare");
        assert.deepEqual(r.value.comparison.value, { kind: "string", value: s });
      }),
    );
  });
});
