// Fixed and random Corridor incidents and observables for the STIX tests.
import fc from "fast-check";
import { CLASSIFICATION_LEVELS, TLP_LABELS } from "../../core/marking.js";
import {
  INCIDENT_STATUSES,
  type Incident,
  type IncidentId,
  type Observable,
  RSIT_CATEGORIES,
  SEVERITIES,
} from "../../core/soc.js";

export const INCIDENT: Incident = {
  id: "7d0e2c1a-5b3f-4e8a-9c2d-1f0e3a4b5c6d" as IncidentId,
  title: "VPN brute force from 203.0.113.47",
  description: "Repeated failed VPN logins, then one success.",
  status: "triage",
  severity: "high",
  assignee: "alice",
  classification: { level: "restricted", releasableTo: [] },
  tlp: "amber",
  rsit: "intrusion-attempts",
  techniques: ["T1110.001", "T1078"],
  affectedServices: ["vpn"],
  affectedCountries: ["FR", "DE"],
  observables: [
    { kind: "ipv4", value: "203.0.113.47" },
    { kind: "domain", value: "evil.example" },
    { kind: "sha256", value: "ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c" },
    { kind: "cidr", value: "198.51.100.0/24" },
    { kind: "account", value: "alice@corp.example" },
  ],
  nis2: { significant: true, maliciousSuspected: true, crossBorderImpact: true },
  awareAt: new Date("2026-03-02T08:00:00.000Z"),
  reports: { earlyWarning: new Date("2026-03-02T20:00:00.000Z"), notification: null, finalReport: null },
  createdAt: new Date("2026-03-02T08:05:00.000Z"),
  updatedAt: new Date("2026-03-03T09:00:00.000Z"),
  version: 4,
};

export const NODE = { id: "fr", name: "SOC FR", jurisdiction: "FR" } as const;

const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));

export const observableArb: fc.Arbitrary<Observable> = fc.oneof(
  fc.ipV4().map((value) => ({ kind: "ipv4" as const, value })),
  fc.ipV6().map((value) => ({ kind: "ipv6" as const, value })),
  fc
    .tuple(fc.ipV4(), fc.integer({ min: 8, max: 32 }))
    .map(([ip, n]) => ({ kind: "cidr" as const, value: `${ip}/${n}` })),
  fc.domain().map((value) => ({ kind: "domain" as const, value })),
  fc.domain().map((value) => ({ kind: "hostname" as const, value })),
  fc.webUrl({ withQueryParameters: true }).map((value) => ({ kind: "url" as const, value })),
  fc.emailAddress().map((value) => ({ kind: "email" as const, value })),
  hex(32).map((value) => ({ kind: "md5" as const, value })),
  hex(40).map((value) => ({ kind: "sha1" as const, value })),
  hex(64).map((value) => ({ kind: "sha256" as const, value })),
  fc.string({ minLength: 1, maxLength: 30 }).map((value) => ({ kind: "account" as const, value })),
  fc.string({ minLength: 1, maxLength: 60 }).map((value) => ({ kind: "process" as const, value })),
);

const date = fc.date({
  min: new Date("2000-01-01T00:00:00Z"),
  max: new Date("2100-01-01T00:00:00Z"),
  noInvalidDate: true,
});
const country = fc.stringMatching(/^[A-Z]{2}$/);

export const incidentArb: fc.Arbitrary<Incident> = fc
  .record({
    id: fc.uuid(),
    title: fc.string({ minLength: 1, maxLength: 80 }),
    description: fc.string({ maxLength: 200 }),
    status: fc.constantFrom(...INCIDENT_STATUSES),
    severity: fc.constantFrom(...SEVERITIES),
    level: fc.constantFrom(...CLASSIFICATION_LEVELS),
    releasableTo: fc.array(country, { maxLength: 3 }),
    tlp: fc.constantFrom(...TLP_LABELS),
    rsit: fc.constantFrom(...RSIT_CATEGORIES),
    techniques: fc.array(fc.stringMatching(/^T\d{4}(\.\d{3})?$/), { maxLength: 4 }),
    affectedServices: fc.array(fc.string({ minLength: 1, maxLength: 20 }), { maxLength: 3 }),
    affectedCountries: fc.array(country, { maxLength: 3 }),
    observables: fc.array(observableArb, { maxLength: 6 }),
    nis2: fc.record({
      significant: fc.boolean(),
      maliciousSuspected: fc.boolean(),
      crossBorderImpact: fc.boolean(),
    }),
    awareAt: date,
    reports: fc.record({
      earlyWarning: fc.option(date),
      notification: fc.option(date),
      finalReport: fc.option(date),
    }),
    createdAt: date,
    updatedAt: date,
  })
  .map(({ level, releasableTo, ...r }) => ({
    ...r,
    id: r.id as IncidentId,
    assignee: null,
    classification: { level, releasableTo },
    updatedAt: new Date(Math.max(r.updatedAt.getTime(), r.createdAt.getTime())),
    version: 1,
  }));
