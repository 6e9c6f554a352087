// Cyber-observable objects (SCOs) from Corridor observables, with the deterministic ids STIX 2.1
// defines, so the same address shared twice is the same object. Accounts and hostnames are
// personal data: made here like the rest; whether they leave the node is the policy's decision.
import type { Observable } from "../../core/soc.js";
import { scoId } from "./ids.js";
import { HASH_NAMES, stixValue } from "./pattern-build.js";
import type { CyberObservable } from "./types.js";

const valued = (type: CyberObservable["type"], value: string): CyberObservable => ({
  type,
  spec_version: "2.1",
  id: scoId(type, { value }),
  value,
});

/** The SCO for one observable. */
export function scoOf(o: Observable): CyberObservable {
  const v = stixValue(o);
  switch (o.kind) {
    case "ipv4":
      return valued("ipv4-addr", v);
    case "ipv6":
      return valued("ipv6-addr", v);
    case "cidr":
      return valued(v.includes(":") ? "ipv6-addr" : "ipv4-addr", v);
    case "domain":
    case "hostname":
      return valued("domain-name", v);
    case "url":
      return valued("url", v);
    case "email":
      return valued("email-addr", v);
    case "md5":
    case "sha1":
    case "sha256": {
      const hashes = { [HASH_NAMES[o.kind]]: o.value };
      return { type: "file", spec_version: "2.1", id: scoId("file", { hashes }), hashes };
    }
    case "account":
      // account_type is unknown here; user_id would be a guess. account_login is what was seen.
      return {
        type: "user-account",
        spec_version: "2.1",
        id: scoId("user-account", { account_login: o.value }),
        account_login: o.value,
      };
    case "process": {
      const name = v;
      return { type: "file", spec_version: "2.1", id: scoId("file", { name }), name };
    }
  }
}

/** SCOs for many observables, one per distinct id, in first-seen order. */
export function scosOf(observables: readonly Observable[]): CyberObservable[] {
  const seen = new Map<string, CyberObservable>();
  for (const o of observables) {
    const s = scoOf(o);
    if (!seen.has(s.id)) seen.set(s.id, s);
  }
  return [...seen.values()];
}
