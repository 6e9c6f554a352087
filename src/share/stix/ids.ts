// STIX identifiers and timestamps: `type--uuid`, UUIDv5 where an object derives from stable inputs
// (so re-sharing the same thing upserts instead of duplicating), UUIDv4 otherwise.
import { createHash, randomUUID } from "node:crypto";
import { canonicalJson } from "../../audit/canonical-json.js";

/** The namespace STIX 2.1 (section 2.9) fixes for deterministic cyber-observable ids. */
export const STIX_SCO_NAMESPACE = "00abedb4-aa42-466c-9c01-fed23315a9b7";

/**
 * Corridor's own namespace for deterministic SDO/SRO ids (indicators, relationships, the extension
 * definition). Fixed forever: changing it would change every id ever shared.
 */
export const CORRIDOR_NAMESPACE = "5f0c7a3e-4b1d-4e8a-9c2f-6d3b1a7e0c45";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** RFC 4122 name-based UUID (SHA-1, version 5). */
export function uuidv5(namespace: string, name: string): string {
  if (!UUID.test(namespace)) throw new TypeError(`not a UUID namespace: ${namespace}`);
  const ns = Buffer.from(namespace.replaceAll("-", ""), "hex");
  const h = createHash("sha1").update(ns).update(name, "utf8").digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** A STIX identifier: `type--uuid`. */
export type StixId = `${string}--${string}`;

/** A fresh random id (UUIDv4) for objects that are events, not facts (sightings, notes, bundles). */
export function randomId(type: string): StixId {
  return `${type}--${randomUUID()}`;
}

/**
 * A deterministic id for an SDO/SRO: UUIDv5 over the canonical JSON of `parts` in Corridor's
 * namespace. The type is part of the name so two types never share a uuid.
 */
export function derivedId(type: string, parts: unknown): StixId {
  return `${type}--${uuidv5(CORRIDOR_NAMESPACE, canonicalJson({ type, parts }))}`;
}

/**
 * The deterministic SCO id STIX 2.1 defines: UUIDv5 in the STIX namespace over the canonical JSON
 * of the type's id-contributing properties (only those present). For `hashes` only one hash
 * counts, in the preference order MD5, SHA-1, SHA-256, SHA-512 (as the reference library does).
 */
export function scoId(type: string, contributing: Readonly<Record<string, unknown>>): StixId {
  const props: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(contributing)) {
    if (v === undefined) continue;
    props[k] =
      k === "hashes" && v !== null && typeof v === "object" ? oneHash(v as Record<string, string>) : v;
  }
  if (Object.keys(props).length === 0) return randomId(type);
  return `${type}--${uuidv5(STIX_SCO_NAMESPACE, canonicalJson(props))}`;
}

function oneHash(hashes: Record<string, string>): Record<string, string> {
  for (const k of ["MD5", "SHA-1", "SHA-256", "SHA-512"]) {
    const v = hashes[k];
    if (v !== undefined) return { [k]: v };
  }
  const first = Object.keys(hashes)[0];
  return first === undefined ? {} : { [first]: hashes[first]! };
}

const ID =
  /^([a-z][a-z0-9-]+[a-z0-9])--([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12})$/;

/** Splits a STIX id into type and uuid, or undefined when it is not one (the schemas' own rule). */
export function parseStixId(id: string): { type: string; uuid: string } | undefined {
  const m = ID.exec(id);
  return m ? { type: m[1]!, uuid: m[2]! } : undefined;
}

/** A STIX timestamp: UTC, millisecond precision, `Z` (what the spec asks for created/modified). */
export function stixTime(at: Date): string {
  if (Number.isNaN(at.getTime())) throw new RangeError("invalid date");
  return at.toISOString();
}

/** The STIX timestamp grammar (any fraction of a second, `Z` only). */
export const STIX_TIMESTAMP =
  /^\d{4}-(0[1-9]|1[012])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?Z$/;
