// Test support: STIX objects for the TAXII tests.

/** Indicator n (a UUID from n, an address from n), as of `modified`. */
export const indicator = (n: number, modified = "2026-11-22T09:00:00.000Z") => ({
  type: "indicator",
  spec_version: "2.1",
  id: `indicator--00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
  created: "2026-11-22T09:00:00.000Z",
  modified,
  pattern: `[ipv4-addr:value = '203.0.113.${n % 250}']`,
  pattern_type: "stix",
  valid_from: "2026-11-22T09:00:00Z",
});
