// Personal data never crosses the border in the clear: personal observables are dropped or replaced
// by per-partner keyed pseudonyms, and free text is scrubbed of their values and of any e-mail
// address or internal IP literal it contains. Public indicators (attacker IPs, domains, hashes) pass.
import { createHmac } from "node:crypto";
import type { JsonValue, Observable } from "../../core/index.js";
import { parseIp } from "../../soc/ip.js";
import { isPersonal, normaliseObservable } from "../../soc/observables.js";

export const PSEUDONYM_PREFIX = "pseud:";

export type PersonalDataMode = "remove" | "pseudonymise";

/** Kinds whose spelling does not matter (Windows accounts and hosts, e-mail, paths). */
const CASELESS = new Set<Observable["kind"]>(["account", "email", "hostname", "process"]);

/** The value a pseudonym is computed from: canonical form, lower case where case means nothing. */
export function pseudonymInput(o: Observable): string {
  const n = normaliseObservable(o.kind, o.value);
  const v = n.ok ? n.value.value : o.value.trim();
  return `${n.ok ? n.value.kind : o.kind}:${CASELESS.has(o.kind) ? v.toLowerCase() : v}`;
}

/** HMAC-SHA256(partnerKey, kind ":" normalised value), hex, prefixed: stable per partner, unlinkable across. */
export function pseudonym(key: Buffer, o: Observable): string {
  return PSEUDONYM_PREFIX + createHmac("sha256", key).update(pseudonymInput(o), "utf8").digest("hex");
}

export interface PersonalDataChange {
  readonly code: "personal-data.pseudonymised" | "personal-data.removed" | "personal-data.scrubbed-text";
  /** Where, never the value itself (this goes to the audit log). */
  readonly what: string;
  readonly why: string;
}

export interface Scrubbed<T> {
  readonly value: T;
  readonly changed: boolean;
}

const EMAIL_IN_TEXT = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+/;
const IPV4_IN_TEXT = /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?!\d|\.\d)/;
// Loose on purpose: candidates are checked with parseIp; lookarounds keep words and dotted quads whole.
const IPV6_IN_TEXT =
  /(?<![0-9a-z:.])(?=[0-9a-f:.]*:[0-9a-f.]*:)[0-9a-f:]{2,39}(?:\d{1,3}(?:\.\d{1,3}){3})?(?![0-9a-z:]|\.\d)/;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/**
 * Replaces personal values in text. Built once per candidate: the observables' values (raw and
 * canonical spellings, anywhere), an account's or address's user part (as a whole word), and any
 * e-mail address or internal IP literal. One pass over the text, so a replacement is never re-read.
 */
export class TextScrubber {
  private readonly replacements = new Map<string, string>();
  private readonly pattern: RegExp;
  private readonly valuesOnly: RegExp | undefined;

  constructor(
    personal: readonly Observable[],
    private readonly replace: (o: Observable) => string,
  ) {
    const anywhere: string[] = [];
    const words: string[] = [];
    for (const o of personal) {
      const r = replace(o);
      const n = normaliseObservable(o.kind, o.value);
      for (const spelling of new Set([o.value, o.value.trim(), n.ok ? n.value.value : o.value])) {
        if (spelling.length === 0) continue;
        this.replacements.set(spelling.toLowerCase(), r);
        anywhere.push(spelling);
      }
      for (const part of userParts(o)) {
        if (this.replacements.has(part.toLowerCase())) continue;
        this.replacements.set(part.toLowerCase(), r);
        words.push(part);
      }
    }
    const alt = (list: string[]) =>
      [...new Set(list)]
        .sort((a, b) => b.length - a.length)
        .map(escapeRegExp)
        .join("|");
    // Literals first, so an internal address is replaced whole even when a shorter personal value
    // is its prefix (10.0.0.1 inside 10.0.0.15); then the known values, then user parts as words.
    const parts = [
      `(${EMAIL_IN_TEXT.source})`,
      `(${IPV4_IN_TEXT.source})`,
      `(${IPV6_IN_TEXT.source})`,
      anywhere.length > 0 ? `(${alt(anywhere)})` : "((?!))",
      words.length > 0 ? `(?<![\\p{L}\\p{N}_])(${alt(words)})(?![\\p{L}\\p{N}_])` : "((?!))",
    ];
    this.pattern = new RegExp(parts.join("|"), "giu");
    this.valuesOnly = anywhere.length > 0 ? new RegExp(alt(anywhere), "giu") : undefined;
  }

  scrub(text: string): Scrubbed<string> {
    let changed = false;
    const value = text.replace(this.pattern, (m: string, email?: string, v4?: string, v6?: string) => {
      if (email !== undefined) {
        changed = true;
        return this.lookup(m, "email");
      }
      if (v4 === undefined && v6 === undefined) {
        // A known value or a user part: always replaced.
        changed = true;
        return this.lookup(m, "account");
      }
      const kind = v4 !== undefined ? "ipv4" : "ipv6";
      const ip = parseIp(m);
      if (ip !== undefined && `ipv${ip.version}` === kind && isPersonal({ kind, value: m })) {
        changed = true;
        return this.lookup(m, kind);
      }
      // A public literal stays, but a personal value inside it must not.
      const inner = this.scrubValues(m);
      if (inner !== m) changed = true;
      return inner;
    });
    return { value, changed };
  }

  private scrubValues(text: string): string {
    return this.valuesOnly === undefined
      ? text
      : text.replace(this.valuesOnly, (m) => this.lookup(m, "account"));
  }

  /** The replacement for a matched spelling; one found only by case folding still gets replaced. */
  private lookup(match: string, kind: Observable["kind"]): string {
    const known = this.replacements.get(match.toLowerCase());
    if (known !== undefined) return known;
    const o: Observable = { kind, value: match };
    const r = this.replace(o);
    this.replacements.set(match.toLowerCase(), r);
    return r;
  }

  /** Every string in a JSON value, keys included. */
  scrubJson(v: JsonValue): Scrubbed<JsonValue> {
    if (typeof v === "string") return this.scrub(v);
    if (Array.isArray(v)) {
      const items = v.map((x) => this.scrubJson(x));
      return { value: items.map((i) => i.value), changed: items.some((i) => i.changed) };
    }
    if (v !== null && typeof v === "object") {
      let changed = false;
      const out: Record<string, JsonValue> = {};
      for (const [k, x] of Object.entries(v)) {
        const key = this.scrub(k);
        const val = this.scrubJson(x);
        changed ||= key.changed || val.changed;
        out[key.value] = val.value;
      }
      return { value: out, changed };
    }
    return { value: v, changed: false };
  }
}

/** The user part of an account (CORP\alice, alice@corp) or an address, 3 characters or more. */
function userParts(o: Observable): string[] {
  if (o.kind !== "account" && o.kind !== "email") return [];
  const v = o.value.trim();
  const parts = [v.slice(v.lastIndexOf("\\") + 1), v.split("@")[0] ?? ""];
  return parts.filter((p) => p.length >= 3 && p !== v);
}

const WHY: Readonly<Partial<Record<Observable["kind"], string>>> = {
  account: "an account names a person",
  email: "an e-mail address names a person",
  hostname: "a host name points at someone's machine",
  ipv4: "an internal address points at someone's machine",
  ipv6: "an internal address points at someone's machine",
  cidr: "the range covers internal addresses",
  process: "the path is inside a user's profile",
  url: "the URL carries credentials or an e-mail address",
};

export const whyPersonal = (kind: Observable["kind"]): string => WHY[kind] ?? "personal data";
