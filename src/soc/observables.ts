// Observables: the typed values an incident is about (addresses, domains, hashes, accounts...),
// validated and put in one canonical spelling, extracted from events, and marked personal or not.
import { domainToASCII } from "node:url";
import type { JsonObject, Observable, Problem, Result } from "../core/index.js";
import { err, ok } from "../core/index.js";
import { HOST_FIELDS, SOURCE_IP_FIELDS, textOf } from "./fields.js";
import {
  cidrTouchesInternal,
  formatCidr,
  formatIp,
  isInternalAddress,
  parseCidr,
  parseIp,
  unmapIp,
} from "./ip.js";

export type ObservableKind = Observable["kind"];

/** An observable found in an event, with the field it came from and whether it is personal data. */
export interface ExtractedObservable extends Observable {
  readonly field: string;
  readonly personal: boolean;
}

const HEX_LENGTH = { md5: 32, sha1: 40, sha256: 64 } as const;

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/** A DNS name of two labels or more, internationalised names in their ASCII (punycode) form. */
function domainOf(text: string): string | undefined {
  const t = text.trim().replace(/\.$/, "");
  if (t.length === 0 || t.length > 253 || /[\s/:@]/.test(t)) return undefined;
  const ascii = domainToASCII(t);
  if (ascii === "" || ascii.length > 253) return undefined;
  const labels = ascii.split(".");
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return undefined;
  // A numeric last label means an address, not a name.
  return /[a-z]/.test(labels.at(-1) ?? "") ? ascii : undefined;
}

function hostnameOf(text: string): string | undefined {
  const t = text.trim().replace(/\.$/, "").toLowerCase();
  if (t.length === 0 || t.length > 253) return undefined;
  return t.split(".").every((l) => LABEL.test(l)) ? t : undefined;
}

function urlOf(text: string): string | undefined {
  let u: URL;
  try {
    u = new URL(text.trim());
  } catch {
    return undefined;
  }
  return ["http:", "https:", "ftp:"].includes(u.protocol) && u.hostname !== "" ? u.href : undefined;
}

const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@([^\s@]+)$/;

/**
 * Checks a value for its kind and returns it in canonical form: addresses as RFC 5952 text
 * (an IPv4-mapped IPv6 address becomes the IPv4 address), names and hashes in lower case.
 */
export function normaliseObservable(kind: ObservableKind, value: string): Result<Observable, Problem> {
  const bad = (why: string): Result<Observable, Problem> =>
    err({ code: "invalid-observable", message: `not a valid ${kind}: ${why}`, path: "value" });
  const v = value.trim();
  if (v.length === 0 || v.length > 2048) return bad("empty or longer than 2048 characters");
  switch (kind) {
    case "ipv4":
    case "ipv6": {
      const ip = parseIp(v);
      if (!ip || `ipv${ip.version}` !== kind) return bad(`"${v}"`);
      const u = unmapIp(ip);
      return ok({ kind: `ipv${u.version}`, value: formatIp(u) });
    }
    case "cidr": {
      const c = parseCidr(v);
      return c
        ? ok({ kind, value: formatCidr(c) })
        : bad(`"${v}" (a network address and prefix, host bits zero)`);
    }
    case "domain": {
      const d = domainOf(v);
      return d ? ok({ kind, value: d }) : bad(`"${v}"`);
    }
    case "hostname": {
      const h = hostnameOf(v);
      return h ? ok({ kind, value: h }) : bad(`"${v}"`);
    }
    case "url": {
      const u = urlOf(v);
      return u ? ok({ kind, value: u }) : bad(`"${v}" (http, https or ftp with a host)`);
    }
    case "email": {
      const m = EMAIL.exec(v);
      const d = m?.[1] === undefined ? undefined : domainOf(m[1]);
      return m && d ? ok({ kind, value: `${v.slice(0, v.lastIndexOf("@"))}@${d}` }) : bad(`"${v}"`);
    }
    case "md5":
    case "sha1":
    case "sha256":
      return new RegExp(`^[0-9a-fA-F]{${HEX_LENGTH[kind]}}$`).test(v)
        ? ok({ kind, value: v.toLowerCase() })
        : bad(`expected ${HEX_LENGTH[kind]} hexadecimal digits`);
    case "account":
    case "process":
      // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
      return /[\u0000-\u001f\u007f]/.test(v) ? bad("control characters") : ok({ kind, value: v });
  }
}

/** A user profile in a path names a person: C:\Users\c.bernard\..., /home/alice/... */
const PROFILE_PATH =
  /(^|[\\/])(users|home|documents and settings)[\\/](?!public[\\/]|default[\\/]|all users[\\/])[^\\/]+/i;

/**
 * Personal data in the GDPR sense, as the sharing policy must treat it: accounts, e-mail addresses,
 * host names, internal addresses (they point at one employee's machine), paths in someone's profile
 * and URLs carrying credentials. Public addresses, domains and hashes of an attacker's
 * infrastructure are shared as indicators (GDPR recital 49, network security) and are not marked.
 */
export function isPersonal(o: Observable): boolean {
  switch (o.kind) {
    case "account":
    case "email":
    case "hostname":
      return true;
    case "ipv4":
    case "ipv6": {
      const ip = parseIp(o.value);
      return ip === undefined || isInternalAddress(ip);
    }
    case "cidr": {
      const c = parseCidr(o.value, true);
      return c === undefined || cidrTouchesInternal(c);
    }
    case "process":
      return PROFILE_PATH.test(o.value);
    case "url": {
      const u = urlOf(o.value);
      if (u === undefined) return true;
      const url = new URL(u);
      return url.username !== "" || /[^\s/?&=]+@[^\s/?&=]+\.[a-z]{2,}/i.test(decodeURIComponent(url.search));
    }
    case "domain":
    case "md5":
    case "sha1":
    case "sha256":
      return false;
  }
}

const DEST_IP_FIELDS = ["DestinationIp", "DestinationAddress", "DestAddress", "dst_ip", "destination.ip"];
const DOMAIN_FIELDS = ["QueryName", "DestinationHostname", "ServerName", "dns.question.name", "url.domain"];
const URL_FIELDS = ["url", "Url", "URL", "RequestUrl", "url.full", "TargetUrl"];
const TEXT_WITH_URLS = ["CommandLine", "ParentCommandLine", "ScriptBlockText", "Payload"];
const HASH_FIELDS = ["Hashes", "Hash", "hashes"];
const ECS_HASHES: readonly [string, "md5" | "sha1" | "sha256"][] = [
  ["file.hash.md5", "md5"],
  ["file.hash.sha1", "sha1"],
  ["file.hash.sha256", "sha256"],
  ["process.hash.md5", "md5"],
  ["process.hash.sha1", "sha1"],
  ["process.hash.sha256", "sha256"],
];
/** Account fields, with the field holding their domain when the event splits them. */
const ACCOUNT_FIELDS: readonly [string, string?][] = [
  ["User"],
  ["TargetUserName", "TargetDomainName"],
  ["SubjectUserName", "SubjectDomainName"],
  ["Username"],
  ["UserPrincipalName"],
  ["userPrincipalName"],
  ["UserId"],
  ["Caller"],
  ["userIdentity.arn"],
  ["user.name", "user.domain"],
  ["AUID"],
];
const EMAIL_FIELDS = ["SenderAddress", "RecipientAddress", "SenderFromAddress", "email", "user.email"];
const HOSTNAME_FIELDS = [...HOST_FIELDS, "WorkstationName", "SourceHostname"];
const PROCESS_FIELDS = ["Image", "process.executable", "exe"];

const URL_IN_TEXT = /\b(?:https?|ftp):\/\/[^\s"'`<>|^]+/gi;

/** Everything an event says about addresses, names, files and people, each value once. */
export function extractObservables(event: JsonObject): ExtractedObservable[] {
  const out: ExtractedObservable[] = [];
  const seen = new Set<string>();
  const add = (kind: ObservableKind, value: string, field: string): void => {
    const r = normaliseObservable(kind, value);
    if (!r.ok) return;
    const o = r.value;
    // Loopback and "any" say nothing about an incident.
    if ((o.kind === "ipv4" || o.kind === "ipv6") && /^(127\.|0\.0\.0\.0$|::1?$)/.test(o.value)) return;
    // Windows account and host names are case-insensitive: one spelling is enough.
    const key = `${o.kind}\u0000${o.kind === "account" ? o.value.toLowerCase() : o.value}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ ...o, field, personal: isPersonal(o) });
  };
  const each = (fields: readonly string[], fn: (text: string, field: string) => void): void => {
    for (const f of fields) {
      const t = textOf(event, f);
      if (t !== undefined) fn(t, f);
    }
  };
  const ip = (t: string, f: string) => {
    const parsed = parseIp(t);
    if (parsed) add(`ipv${parsed.version}`, t, f);
  };
  each(SOURCE_IP_FIELDS, ip);
  each(DEST_IP_FIELDS, ip);
  each(DOMAIN_FIELDS, (t, f) => {
    if (parseIp(t)) ip(t, f);
    else if (domainOf(t)) add("domain", t, f);
    else add("hostname", t, f);
  });
  each(URL_FIELDS, (t, f) => add("url", t, f));
  each(TEXT_WITH_URLS, (t, f) => {
    for (const m of t.matchAll(URL_IN_TEXT)) add("url", m[0].replace(/[.,;:)\]}]+$/, ""), f);
  });
  // A URL's host is an observable of its own: the thing a perimeter can block.
  for (const o of [...out]) {
    if (o.kind !== "url") continue;
    const host = new URL(o.value).hostname.replace(/^\[|\]$/g, "");
    if (parseIp(host)) ip(host, o.field);
    else add("domain", host, o.field);
  }
  each(HASH_FIELDS, (t, f) => {
    for (const part of t.split(/[,;\s]+/)) {
      const [name, value] = part.split("=", 2);
      const kind = name?.trim().toLowerCase().replace("-", "");
      if (value !== undefined && (kind === "md5" || kind === "sha1" || kind === "sha256"))
        add(kind, value, f);
    }
  });
  for (const [f, kind] of ECS_HASHES) {
    const t = textOf(event, f);
    if (t !== undefined) add(kind, t, f);
  }
  for (const [f, domainField] of ACCOUNT_FIELDS) {
    const user = textOf(event, f);
    if (user === undefined) continue;
    const domain = domainField === undefined ? undefined : textOf(event, domainField);
    add("account", domain === undefined || user.includes("\\") ? user : `${domain}\\${user}`, f);
  }
  each(EMAIL_FIELDS, (t, f) => add("email", t, f));
  each(HOSTNAME_FIELDS, (t, f) => add("hostname", t, f));
  each(PROCESS_FIELDS, (t, f) => add("process", t, f));
  return out;
}

/** Observables of several events, each once, in first-seen order; `limit` caps the list. */
export function extractAll(events: readonly JsonObject[], limit = 1000): ExtractedObservable[] {
  const out: ExtractedObservable[] = [];
  const seen = new Set<string>();
  for (const e of events) {
    for (const o of extractObservables(e)) {
      const key = `${o.kind}\u0000${o.kind === "account" ? o.value.toLowerCase() : o.value}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(o);
      if (out.length >= limit) return out;
    }
  }
  return out;
}
