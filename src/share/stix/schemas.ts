// The official STIX 2.1 JSON schemas (OASIS cti-stix2-json-schemas, draft 2020-12), read at run
// time from a folder: they are third-party files the product does not ship. All files go into one
// Ajv instance on first use and are resolved by $id. Patterns run on RE2 (linear time), because
// some official patterns backtrack badly and the objects checked come from outside.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { domainToASCII, fileURLToPath } from "node:url";
import Ajv2020, { type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { RE2JS } from "re2js";
import type { Problem } from "../../core/result.js";

const BASE = "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/";

/** The schema folder: `CORRIDOR_STIX_SCHEMAS`, else the shared corpus beside the package. */
export function defaultSchemasDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CORRIDOR_STIX_SCHEMAS;
  if (fromEnv && fromEnv.trim() !== "") return resolve(fromEnv);
  // dist/src/share/stix/ -> package root
  const root = fileURLToPath(new URL("../../../../", import.meta.url));
  return resolve(root, "../shared/corpus/stix/cti-stix2-json-schemas/schemas");
}

const SDO = new Set([
  "attack-pattern",
  "campaign",
  "course-of-action",
  "grouping",
  "identity",
  "incident",
  "indicator",
  "infrastructure",
  "intrusion-set",
  "location",
  "malware",
  "malware-analysis",
  "note",
  "observed-data",
  "opinion",
  "report",
  "threat-actor",
  "tool",
  "vulnerability",
]);
const SRO = new Set(["relationship", "sighting"]);
const SCO = new Set([
  "artifact",
  "autonomous-system",
  "directory",
  "domain-name",
  "email-addr",
  "email-message",
  "file",
  "ipv4-addr",
  "ipv6-addr",
  "mac-addr",
  "mutex",
  "network-traffic",
  "process",
  "software",
  "url",
  "user-account",
  "windows-registry-key",
  "x509-certificate",
]);
const COMMON = new Set(["marking-definition", "extension-definition", "language-content", "bundle"]);

/** The $id of the schema an object of `type` is checked against (custom types: the core schemas). */
export function schemaIdFor(type: string, isSdoLike: boolean): string {
  if (SDO.has(type)) return `${BASE}sdos/${type}.json`;
  if (SRO.has(type)) return `${BASE}sros/${type}.json`;
  if (SCO.has(type)) return `${BASE}observables/${type}.json`;
  if (COMMON.has(type)) return `${BASE}common/${type}.json`;
  return `${BASE}common/${isSdoLike ? "core" : "cyber-observable-core"}.json`;
}

const re2 = Object.assign(
  (source: string, flags: string) => {
    const re = RE2JS.compile(source);
    // Ajv caches compiled patterns by toString(); it must be the source, not "[object Object]".
    return { test: (s: string) => re.test(s), toString: () => `/${source}/${flags}` };
  },
  { code: "re2" },
);

export interface SchemaSet {
  readonly dir: string;
  validate(schemaId: string, value: unknown): readonly ErrorObject[];
}

const loaded = new Map<string, SchemaSet | Problem>();

/** Loads (once per folder) every schema under `dir`; a Problem when the folder is missing or broken. */
export function loadSchemas(dir: string = defaultSchemasDir()): SchemaSet | Problem {
  const key = resolve(dir);
  const cached = loaded.get(key);
  if (cached) return cached;
  const result = load(key);
  loaded.set(key, result);
  return result;
}

function unavailable(dir: string, why: string): Problem {
  return {
    code: "stix-schemas-unavailable",
    message: `the STIX 2.1 JSON schemas are not available at ${dir} (${why}); set CORRIDOR_STIX_SCHEMAS to the 'schemas' folder of oasis-open/cti-stix2-json-schemas`,
  };
}

function load(dir: string): SchemaSet | Problem {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return unavailable(dir, "no such folder");
  const ajv = new Ajv2020.default({
    strict: false,
    allErrors: true,
    logger: false,
    code: { regExp: re2 as never },
  });
  addFormats.default(ajv);
  ajv.addFormat("idn-hostname", (s: string) => s.length <= 253 && domainToASCII(s) !== "");
  let count = 0;
  try {
    const walk = (d: string): void => {
      for (const name of readdirSync(d).sort()) {
        const p = join(d, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (name.endsWith(".json")) {
          ajv.addSchema(JSON.parse(readFileSync(p, "utf8")) as object);
          count++;
        }
      }
    };
    walk(dir);
  } catch (e) {
    return unavailable(dir, (e as Error).message);
  }
  if (count === 0 || !ajv.getSchema(`${BASE}common/core.json`))
    return unavailable(dir, "no STIX 2.1 schemas in it");
  const compiled = new Map<string, ValidateFunction>();
  return {
    dir,
    validate(schemaId, value) {
      let v = compiled.get(schemaId);
      if (!v) {
        v = ajv.getSchema(schemaId);
        if (!v) throw new Error(`no schema ${schemaId} in ${dir}`);
        compiled.set(schemaId, v);
      }
      return v(value) ? [] : (v.errors ?? []);
    },
  };
}

/** Ajv's instance path (`/objects/0/labels`) as a property path (`objects[0].labels`). */
export function propertyPath(prefix: string, instancePath: string): string {
  let out = prefix;
  for (const raw of instancePath.split("/").slice(1)) {
    const seg = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    out += /^\d+$/.test(seg) ? `[${seg}]` : out === "" ? seg : `.${seg}`;
  }
  return out;
}
