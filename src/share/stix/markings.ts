// TLP 2.0 marking definitions exactly as OASIS publishes them (cti-stix-common-objects,
// extension-definition-specifications/tlp-2.0/examples): fixed ids, fixed bodies, never minted here.
import { type Tlp, tlpRank } from "../../core/marking.js";
import type { MarkingDefinition } from "./types.js";

/** The TLP 2.0 property extension every TLP 2.0 marking definition carries. */
export const TLP2_EXTENSION_ID = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

const TLP2_IDS: Readonly<Record<Tlp, string>> = {
  clear: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
  green: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
  amber: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
  "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
  red: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
};

/**
 * TLP 1.0 ids fixed by STIX 2.1 section 7.2.1.4, read on import: TLP:WHITE maps to TLP:CLEAR, and
 * 1.0 AMBER to 2.0 AMBER (the closest; 1.0 has no AMBER+STRICT).
 */
const TLP1_IDS: Readonly<Record<string, Tlp>> = {
  "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": "clear",
  "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": "green",
  "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": "amber",
  "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": "red",
};

const TLP_BY_ID: ReadonlyMap<string, Tlp> = new Map([
  ...Object.entries(TLP1_IDS),
  ...(Object.entries(TLP2_IDS) as [Tlp, string][]).map(([tlp, id]) => [id, tlp] as const),
]);

/** The official TLP 2.0 marking-definition id for a TLP label. */
export function tlpMarkingId(tlp: Tlp): string {
  return TLP2_IDS[tlp];
}

/** The official TLP 2.0 marking-definition object for a TLP label (a fresh copy each time). */
export function tlpMarking(tlp: Tlp): MarkingDefinition {
  return {
    type: "marking-definition",
    spec_version: "2.1",
    id: TLP2_IDS[tlp],
    created: "2022-10-01T00:00:00.000Z",
    name: `TLP:${tlp.toUpperCase()}`,
    extensions: { [TLP2_EXTENSION_ID]: { extension_type: "property-extension", tlp_2_0: tlp } },
  };
}

/** The TLP label a marking-definition id stands for (TLP 2.0 or 1.0), if it is one. */
export function tlpOfMarkingId(id: string): Tlp | undefined {
  return TLP_BY_ID.get(id);
}

/**
 * The TLP that applies given an object's marking refs: the most restrictive TLP among them (two
 * TLP markings on one object is an error in the producer; the strictest reading is the safe one),
 * undefined when none is a TLP marking. Other markings (statements, classifications) are ignored.
 */
export function tlpOfMarkings(ids: readonly string[]): Tlp | undefined {
  let found: Tlp | undefined;
  for (const id of ids) {
    const t = TLP_BY_ID.get(id);
    if (t !== undefined && (found === undefined || tlpRank(t) > tlpRank(found))) found = t;
  }
  return found;
}
