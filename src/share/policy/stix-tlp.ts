// TLP as STIX 2.1 writes it: object_marking_refs to the well-known marking-definition ids (TLP 2.0
// from the OASIS TLP extension, and TLP 1.0 from the STIX 2.1 specification, WHITE read as CLEAR).
import { err, ok, type Problem, type Result, type Tlp, tlpRank } from "../../core/index.js";

export const TLP_MARKING_IDS: Readonly<Record<Tlp, string>> = {
  clear: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
  green: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
  amber: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
  "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
  red: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
};

const TLP1: Readonly<Record<string, Tlp>> = {
  "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": "clear",
  "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": "green",
  "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": "amber",
  "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": "red",
};

const BY_ID: ReadonlyMap<string, Tlp> = new Map([
  ...Object.entries(TLP_MARKING_IDS).map(([tlp, id]) => [id, tlp as Tlp] as const),
  ...Object.entries(TLP1),
]);

/**
 * The TLP of a STIX object from its object_marking_refs. Other (non-TLP) markings are ignored;
 * several TLP markings give the most restrictive; none at all is an error, because an unmarked
 * object's sensitivity is unknown and the policy refuses what it cannot judge.
 */
export function tlpOfMarkingRefs(refs: readonly string[] | undefined): Result<Tlp, Problem> {
  let found: Tlp | undefined;
  for (const ref of refs ?? []) {
    const tlp = BY_ID.get(ref);
    if (tlp !== undefined && (found === undefined || tlpRank(tlp) > tlpRank(found))) found = tlp;
  }
  return found === undefined
    ? err({ code: "tlp.missing", message: "no known TLP marking-definition among object_marking_refs" })
    : ok(found);
}
