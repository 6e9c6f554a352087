// The playbooks' tiny template language: "{{observable.ipv4}}", "{{rule.title}}", and one filter,
// "{{observable.ipv4 | network:24}}" (or "network:24/48" to give the IPv6 prefix too).
import { OBSERVABLE_KINDS } from "../core/index.js";
import { formatCidr, formatIp, parseCidr, parseIp, unmapIp } from "./ip.js";
import type { ObservableKind } from "./observables.js";

export const TEMPLATE_VARIABLES = [
  ...OBSERVABLE_KINDS.map((k) => `observable.${k}` as const),
  "rule.id",
  "rule.title",
  "subject.kind",
  "subject.severity",
  "subject.title",
  "subject.entity",
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

type Part =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "var"; readonly name: TemplateVariable; readonly network?: { v4: number; v6: number } };

export interface Template {
  readonly source: string;
  readonly parts: readonly Part[];
  /** The observable kind the template refers to, if any: an action runs once per such observable. */
  readonly observable: ObservableKind | undefined;
}

const EXPR = /\{\{\s*([a-z0-9.]+)\s*(?:\|\s*([a-z]+)(?::\s*([0-9/]+))?\s*)?\}\}/g;

/** Compiles a template; the error says what is wrong in words fit for a playbook author. */
export function parseTemplate(source: string): { ok: true; value: Template } | { ok: false; error: string } {
  const parts: Part[] = [];
  const kinds = new Set<ObservableKind>();
  let at = 0;
  for (const m of source.matchAll(EXPR)) {
    if (m.index > at) parts.push({ kind: "text", text: source.slice(at, m.index) });
    at = m.index + m[0].length;
    const name = m[1] ?? "";
    if (!(TEMPLATE_VARIABLES as readonly string[]).includes(name)) {
      return {
        ok: false,
        error: `unknown variable "${name}" (known: rule.id, rule.title, subject.*, observable.<kind>)`,
      };
    }
    const variable = name as TemplateVariable;
    if (variable.startsWith("observable.")) kinds.add(variable.slice("observable.".length) as ObservableKind);
    if (m[2] === undefined) {
      parts.push({ kind: "var", name: variable });
      continue;
    }
    if (m[2] !== "network") return { ok: false, error: `unknown filter "${m[2]}" (known: network)` };
    const [v4, v6 = "64"] = (m[3] ?? "").split("/");
    const p4 = Number(v4);
    const p6 = Number(v6);
    if (!/^\d+$/.test(v4 ?? "") || !/^\d+$/.test(v6) || p4 > 32 || p6 > 128) {
      return {
        ok: false,
        error:
          'network takes an IPv4 prefix 0-32 and optionally "/" an IPv6 prefix 0-128, e.g. network:24/48',
      };
    }
    if (variable !== "observable.ipv4" && variable !== "observable.ipv6") {
      return { ok: false, error: "network applies to observable.ipv4 or observable.ipv6 only" };
    }
    parts.push({ kind: "var", name: variable, network: { v4: p4, v6: p6 } });
  }
  const rest = source.slice(at);
  if (
    rest.includes("{{") ||
    rest.includes("}}") ||
    parts.some((p) => p.kind === "text" && p.text.includes("{{"))
  ) {
    return { ok: false, error: 'unbalanced or malformed "{{ }}"' };
  }
  if (rest !== "") parts.push({ kind: "text", text: rest });
  if (kinds.size > 1) {
    return {
      ok: false,
      error: `refers to several observable kinds (${[...kinds].join(", ")}); one per action`,
    };
  }
  return { ok: true, value: { source, parts, observable: [...kinds][0] } };
}

export type Bindings = Readonly<Partial<Record<TemplateVariable, string | undefined>>>;

/** Renders a template. A missing variable renders as ""; a network filter on a non-address, too. */
export function renderTemplate(t: Template, bindings: Bindings): string {
  return t.parts
    .map((p) => {
      if (p.kind === "text") return p.text;
      const value = bindings[p.name] ?? "";
      if (!p.network) return value;
      const ip = parseIp(value);
      if (!ip) return "";
      const u = unmapIp(ip);
      const prefix = u.version === 4 ? p.network.v4 : p.network.v6;
      const c = parseCidr(`${formatIp(u)}/${prefix}`, true);
      return c ? formatCidr(c) : "";
    })
    .join("");
}
