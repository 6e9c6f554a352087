// Property tests of the sovereignty guard: whatever the candidate, nothing that must stay home
// leaves, no raw personal value crosses, pseudonyms are per partner, and public indicators survive.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  CLASSIFICATION_LEVELS,
  type ClassificationLevel,
  type Observable,
  TLP_LABELS,
  tlpRank,
} from "../../core/index.js";
import { isPersonal } from "../../soc/observables.js";
import type { ShareCandidate } from "./candidate.js";
import { decide } from "./decide.js";
import { type PartnerPolicy, PartnerPolicySchema } from "./partner-policy.js";

const RUNS = Number(process.env.FC_RUNS ?? 400);
const name = fc.stringMatching(/^[a-z][a-z0-9]{2,7}$/);
const octet = fc.integer({ min: 0, max: 255 });
const randomCase = (s: string) =>
  fc
    .array(fc.boolean(), { minLength: s.length, maxLength: s.length })
    .map((up) => [...s].map((c, i) => (up[i] ? c.toUpperCase() : c)).join(""));

const personalObservable: fc.Arbitrary<Observable> = fc.oneof(
  name.chain((n) => randomCase(`CORP\\u_${n}`)).map((value) => ({ kind: "account" as const, value })),
  fc.tuple(name, name).map(([a, b]) => ({ kind: "email" as const, value: `p_${a}@corp-${b}.example` })),
  name.map((n) => ({ kind: "hostname" as const, value: `ws-${n}.corp.internal` })),
  fc.tuple(octet, octet, octet).map(([a, b, c]) => ({ kind: "ipv4" as const, value: `10.${a}.${b}.${c}` })),
  fc.tuple(octet, octet).map(([a, b]) => ({ kind: "ipv4" as const, value: `192.168.${a}.${b}` })),
  fc
    .tuple(fc.integer({ min: 16, max: 31 }), octet, octet)
    .map(([a, b, c]) => ({ kind: "ipv4" as const, value: `172.${a}.${b}.${c}` })),
  fc
    .integer({ min: 1, max: 0xffff })
    .map((n) => ({ kind: "ipv6" as const, value: `fd00::${n.toString(16)}:1` })),
  name.map((n) => ({ kind: "process" as const, value: `C:\\Users\\u_${n}\\AppData\\x.exe` })),
);

const publicObservable: fc.Arbitrary<Observable> = fc.oneof(
  octet.map((n) => ({ kind: "ipv4" as const, value: `203.0.113.${n}` })),
  octet.map((n) => ({ kind: "ipv4" as const, value: `198.51.100.${n}` })),
  fc.stringMatching(/^[a-z]{3,8}$/).map((n) => ({ kind: "domain" as const, value: `evil${n}.example` })),
  fc.stringMatching(/^[0-9a-f]{64}$/).map((value) => ({ kind: "sha256" as const, value })),
  fc
    .stringMatching(/^[a-z]{3,8}$/)
    .map((n) => ({ kind: "url" as const, value: `https://evil${n}.example/${n}` })),
);

const classification = fc.oneof(
  fc.record({
    level: fc.constantFrom(...CLASSIFICATION_LEVELS),
    releasableTo: fc.subarray(["FR", "DE", "IT"]),
  }),
  fc.record({
    jurisdiction: fc.constantFrom("FR", "DE"),
    label: fc.constantFrom(
      "NP",
      "DR",
      "Diffusion Restreinte",
      "SECRET",
      "offen",
      "VS-NfD",
      "VS-Vertraulich",
      "GEHEIM",
      "CONFIDENTIEL",
    ),
    releasableTo: fc.subarray(["FR", "DE", "IT"]),
  }),
);

const LEVEL_OF: Record<string, ClassificationLevel | undefined> = {
  "FR:NP": "unclassified",
  "FR:DR": "restricted",
  "FR:Diffusion Restreinte": "restricted",
  "FR:SECRET": "secret",
  "DE:offen": "unclassified",
  "DE:VS-NfD": "restricted",
  "DE:VS-Vertraulich": "confidential",
  "DE:GEHEIM": "secret",
};

const candidate: fc.Arbitrary<ShareCandidate> = fc
  .record({
    kind: fc.constantFrom("indicator", "sighting", "incident", "note"),
    tlp: fc.constantFrom(...TLP_LABELS, "white", "TLP:GREEN"),
    classification,
    originator: fc.constantFrom("fr", "fr", "de", "it"),
    consent: fc.option(
      fc.record({
        onwardSharing: fc.boolean(),
        partners: fc.option(fc.subarray(["de", "nl", "it"]), { nil: undefined }),
      }),
      { nil: undefined },
    ),
    personal: fc.array(personalObservable, { maxLength: 6 }),
    public: fc.array(publicObservable, { maxLength: 4 }),
    mix: fc.array(fc.nat(), { maxLength: 12 }),
    upper: fc.boolean(),
  })
  .map((r) => {
    const observables = [...r.personal, ...r.public].sort((a, b) => (a.value < b.value ? -1 : 1));
    const all = observables.map((o) => o.value);
    // Free text names the observables (some in another case) among ordinary words.
    const words = r.mix.map((n, i) => {
      const v = all.length > 0 ? all[n % all.length]! : "nothing";
      return i % 3 === 0 && r.upper ? v.toUpperCase() : v;
    });
    const consent =
      r.consent === undefined
        ? {}
        : {
            consent:
              r.consent.partners === undefined ? { onwardSharing: r.consent.onwardSharing } : r.consent,
          };
    const c: ShareCandidate = {
      kind: r.kind,
      id: "x--1",
      tlp: r.tlp,
      classification: r.classification,
      originator: r.originator,
      ...consent,
      observables,
      fields: { title: `seen ${words.slice(0, 3).join(", ")}`, description: `log: ${words.join(" then ")}.` },
      attributes: { pattern: words.map((w) => `[x:value = '${w}']`).join(" OR "), refs: words.slice(0, 2) },
    };
    return c;
  });

const policy = (over: Partial<PartnerPolicy>): PartnerPolicy =>
  PartnerPolicySchema.parse({
    partner: "de",
    jurisdiction: "DE",
    allowedKinds: ["indicator", "sighting", "incident"],
    maxTlp: "amber",
    maxClassification: "VS-NfD",
    personalData: "pseudonymise",
    pseudonymKey: Buffer.alloc(32, 1).toString("base64"),
    ...over,
  });

const policyArb = fc.record({
  maxTlp: fc.constantFrom("clear", "green", "amber") as fc.Arbitrary<"clear" | "green" | "amber">,
  maxClassification: fc.constantFrom("offen", "VS-NfD"),
  personalData: fc.constantFrom("remove", "pseudonymise") as fc.Arbitrary<"remove" | "pseudonymise">,
});

const levelOf = (c: ShareCandidate): ClassificationLevel | undefined =>
  "level" in c.classification
    ? c.classification.level
    : LEVEL_OF[`${c.classification.jurisdiction}:${c.classification.label}`];

/** An independent statement of the rules: may this candidate go to this partner at all? */
function mayGo(c: ShareCandidate, p: PartnerPolicy): boolean {
  const level = levelOf(c);
  const tlpOk =
    (["clear", "green", "amber"] as string[]).includes(c.tlp) &&
    tlpRank(c.tlp as "amber") <= tlpRank(p.maxTlp);
  const max = p.maxClassification === "offen" ? 0 : 1;
  const levelOk = level !== undefined && CLASSIFICATION_LEVELS.indexOf(level) <= max;
  const caveatOk =
    c.classification.releasableTo.length === 0 || c.classification.releasableTo.includes(p.jurisdiction);
  const onward = c.originator !== "fr" && c.originator !== p.partner;
  const consentOk =
    !onward || (c.consent?.onwardSharing === true && (c.consent.partners?.includes(p.partner) ?? true));
  return (p.allowedKinds as string[]).includes(c.kind) && tlpOk && levelOk && caveatOk && consentOk;
}

describe("sharing policy properties", () => {
  it("refuses exactly what must stay home; what leaves carries no raw personal value", () => {
    fc.assert(
      fc.property(candidate, policyArb, (c, over) => {
        const p = policy(over);
        const d = decide(c, p, { self: "fr" });
        assert.equal(d.outcome !== "refuse", mayGo(c, p), JSON.stringify(d));
        if (d.outcome === "refuse") {
          assert.ok(d.reasons.length > 0);
          return;
        }
        assert.ok(d.marking.tlp !== "red" && d.marking.tlp !== "amber+strict");
        assert.ok(tlpRank(d.marking.tlp) <= tlpRank(p.maxTlp));
        assert.ok(d.marking.level === "unclassified" || d.marking.level === "restricted");
        assert.equal(d.marking.label, d.marking.level === "unclassified" ? "offen" : "VS-NfD");
        assert.ok(d.marking.releasableTo.length === 0 || d.marking.releasableTo.includes("DE"));
        const out = JSON.stringify(d);
        const lower = out.toLowerCase();
        for (const o of c.observables.filter(isPersonal)) {
          assert.ok(!out.includes(o.value), `${o.kind} ${o.value} leaked`);
          assert.ok(!lower.includes(o.value.toLowerCase()), `${o.kind} ${o.value} leaked in another case`);
        }
        assert.deepEqual(
          d.candidate.observables,
          c.observables.filter((o) => !isPersonal(o)),
          "public observables survive unchanged",
        );
        const personalCount = c.observables.filter(isPersonal).length;
        assert.equal(d.outcome === "transform", personalCount > 0);
      }),
      { numRuns: RUNS },
    );
  });

  it("pseudonyms are stable for a partner and differ between partners", () => {
    const keyB = Buffer.alloc(32, 2).toString("base64");
    fc.assert(
      fc.property(candidate, (c) => {
        const open = {
          ...c,
          tlp: "green",
          classification: { level: "unclassified" as const, releasableTo: [] },
          originator: "fr",
        };
        const a1 = decide(open, policy({}), { self: "fr" });
        const a2 = decide(open, policy({}), { self: "fr" });
        const b = decide(open, policy({ partner: "de-2", pseudonymKey: keyB }), { self: "fr" });
        assert.deepEqual(a1, a2);
        if (a1.outcome !== "transform" || b.outcome !== "transform") return;
        const pa = a1.candidate.pseudonyms ?? [];
        const pb = b.candidate.pseudonyms ?? [];
        assert.equal(pa.length, pb.length);
        const seenB = new Set(pb.map((x) => x.value));
        for (const x of pa) assert.ok(!seenB.has(x.value), "a pseudonym is shared by two partners");
        // Equal values (in any spelling of one identity) give equal pseudonyms.
        const byValue = new Map<string, string>();
        c.observables.filter(isPersonal).forEach((o, i) => {
          const k = `${o.kind}:${o.kind === "account" ? o.value.toLowerCase() : o.value}`;
          const ps = pa[i]!.value;
          if (byValue.has(k)) assert.equal(byValue.get(k), ps);
          byValue.set(k, ps);
        });
      }),
      { numRuns: RUNS },
    );
  });
});
