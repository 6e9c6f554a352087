// Suggests an ENISA RSIT class for an incident from the ATT&CK techniques and tactics of its alerts.
// Table-driven: the table's order is the precedence, from what most changes the response down.
import type { RsitCategory } from "../core/index.js";
import type { AttackTactic } from "./attack.js";
import { techniqueCovers } from "./attack.js";

interface RsitEntry {
  /** Techniques (a parent covers its sub-techniques). */
  readonly techniques: readonly string[];
  /** Tactics, consulted only for alerts none of whose techniques is in the table. */
  readonly tactics: readonly AttackTactic[];
  readonly category: RsitCategory;
  /** The RSIT type within the class. */
  readonly type: string;
  readonly label: string;
}

const entry = (
  label: string,
  category: RsitCategory,
  type: string,
  techniques: readonly string[],
  tactics: readonly AttackTactic[] = [],
): RsitEntry => ({ label, category, type, techniques, tactics });

/**
 * Ransomware and sabotage first (they decide the crisis response), then data leaving, then a
 * compromise confirmed by credential theft or lateral movement, then lesser signs. Attempts
 * (brute force, exploitation) and information gathering come last: any stronger sign outranks them.
 */
export const RSIT_TABLE: readonly RsitEntry[] = [
  entry("ransomware: data encrypted or recovery inhibited", "malicious-code", "infected-system", [
    "T1486",
    "T1490",
  ]),
  entry("destruction or shutdown", "availability", "sabotage", ["T1485", "T1561", "T1489", "T1529"]),
  entry("denial of service", "availability", "dos", ["T1498", "T1499"]),
  entry(
    "exfiltration",
    "information-content-security",
    "data-leak",
    ["T1041", "T1048", "T1567", "T1537", "T1020", "T1029", "T1030", "T1052", "T1011"],
    ["exfiltration"],
  ),
  entry(
    "data manipulation or defacement",
    "information-content-security",
    "unauthorised-information-modification",
    ["T1565", "T1491"],
  ),
  entry(
    "credential theft, lateral movement or account takeover",
    "intrusions",
    "system-compromise",
    ["T1003", "T1558", "T1552", "T1555", "T1550", "T1021", "T1570", "T1078", "T1098", "T1136", "T1068"],
    ["credential-access", "lateral-movement", "privilege-escalation", "persistence"],
  ),
  entry(
    "collection of data",
    "information-content-security",
    "unauthorised-information-access",
    ["T1530", "T1213", "T1005", "T1039", "T1114", "T1119"],
    ["collection"],
  ),
  entry(
    "command and control",
    "malicious-code",
    "infected-system",
    ["T1071", "T1095", "T1105", "T1573", "T1090", "T1219", "T1572", "T1102"],
    ["command-and-control"],
  ),
  entry("malicious execution", "malicious-code", "infected-system", ["T1204"], ["execution"]),
  entry(
    "defence evasion",
    "intrusions",
    "system-compromise",
    ["T1562", "T1070"],
    ["defense-evasion", "stealth", "defense-impairment"],
  ),
  entry("impact", "availability", "sabotage", [], ["impact"]),
  entry("resource hijacking", "fraud", "unauthorised-use-of-resources", ["T1496"]),
  entry("phishing", "fraud", "phishing", ["T1566", "T1598"]),
  entry("brute force", "intrusion-attempts", "brute-force", ["T1110"]),
  entry(
    "exploitation",
    "intrusion-attempts",
    "exploit",
    ["T1190", "T1210", "T1203", "T1211", "T1212"],
    ["initial-access"],
  ),
  entry("sniffing", "information-gathering", "sniffing", ["T1040"]),
  entry(
    "scanning and discovery",
    "information-gathering",
    "scanner",
    [
      "T1595",
      "T1046",
      "T1590",
      "T1591",
      "T1592",
      "T1593",
      "T1594",
      "T1596",
      "T1597",
      "T1018",
      "T1087",
      "T1069",
      "T1482",
      "T1033",
      "T1016",
      "T1049",
      "T1083",
      "T1135",
    ],
    ["reconnaissance", "discovery"],
  ),
];

/** What one alert (or rule) says, in ATT&CK terms. */
export interface AttackSignals {
  readonly techniques: readonly string[];
  readonly tactics: readonly AttackTactic[];
}

export interface RsitSuggestion {
  readonly category: RsitCategory;
  readonly type: string;
  /** Why, for the analyst: "brute force (T1110.001)". */
  readonly because: string;
  /** Position in RSIT_TABLE (lower is stronger); the table's length for the fallback. */
  readonly rank: number;
}

const UNDETERMINED: RsitSuggestion = {
  category: "other",
  type: "undetermined",
  because: "no ATT&CK technique or tactic that RSIT_TABLE knows",
  rank: RSIT_TABLE.length,
};

/**
 * The suggestion for one alert: its techniques decide when any is in the table, else its tactics.
 * A brute-force rule is tagged credential-access too, but its technique says it is an attempt.
 */
export function suggestRsit(signals: AttackSignals): RsitSuggestion {
  for (let rank = 0; rank < RSIT_TABLE.length; rank++) {
    const e = RSIT_TABLE[rank]!;
    const hit = signals.techniques.find((t) => e.techniques.some((w) => techniqueCovers(w, t)));
    if (hit) return { category: e.category, type: e.type, because: `${e.label} (${hit})`, rank };
  }
  for (let rank = 0; rank < RSIT_TABLE.length; rank++) {
    const e = RSIT_TABLE[rank]!;
    const hit = signals.tactics.find((t) => e.tactics.includes(t));
    if (hit) return { category: e.category, type: e.type, because: `${e.label} (tactic ${hit})`, rank };
  }
  return UNDETERMINED;
}

/** For an incident of several alerts: the strongest of their suggestions. */
export function suggestRsitForAll(all: readonly AttackSignals[]): RsitSuggestion {
  let best = UNDETERMINED;
  for (const s of all) {
    const r = suggestRsit(s);
    if (r.rank < best.rank) best = r;
  }
  return best;
}
