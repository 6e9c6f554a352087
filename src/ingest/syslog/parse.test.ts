import assert from "node:assert/strict";
import { test } from "node:test";
import { parseRfc3164, parseRfc5424, parseSyslog } from "./index.js";

const NOW = new Date("2024-03-10T12:00:00Z");
const BOM = "\uFEFF";
const parsed = (s: string | Uint8Array, now = NOW) => {
  const r = parseSyslog(s, { now });
  assert.ok(r.ok, JSON.stringify(r));
  const { raw, ...rest } = r.value;
  assert.equal(raw, typeof s === "string" ? s : new TextDecoder().decode(s));
  return rest;
};
const problem = (s: string) => {
  const r = parseSyslog(s, { now: NOW });
  assert.ok(!r.ok, JSON.stringify(r));
  return r.error;
};

test("RFC 5424 §6.5 example 1: no structured data, BOM before MSG", () => {
  assert.deepEqual(
    parsed(
      `<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - ${BOM}'su root' failed for lonvick on /dev/pts/8`,
    ),
    {
      format: "rfc5424",
      facility: 4,
      facility_name: "auth",
      severity: 2,
      severity_name: "crit",
      timestamp: "2003-10-11T22:14:15.003Z",
      hostname: "mymachine.example.com",
      app_name: "su",
      msgid: "ID47",
      message: "'su root' failed for lonvick on /dev/pts/8",
    },
  );
});

test("RFC 5424 §6.5 example 2: microseconds and a -07:00 offset, no BOM", () => {
  assert.deepEqual(
    parsed(
      "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.",
    ),
    {
      format: "rfc5424",
      facility: 20,
      facility_name: "local4",
      severity: 5,
      severity_name: "notice",
      timestamp: "2003-08-24T12:14:15.000003Z",
      hostname: "192.0.2.1",
      app_name: "myproc",
      procid: "8710",
      message: "%% It's time to make the do-nuts.",
    },
  );
});

test("RFC 5424 §6.5 examples 3 and 4: structured data, one and two elements", () => {
  const three = parsed(
    `<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] ${BOM}An application event log entry...`,
  );
  assert.deepEqual(three.structured_data, {
    "exampleSDID@32473": { iut: "3", eventSource: "Application", eventID: "1011" },
  });
  assert.equal(three.message, "An application event log entry...");
  assert.equal(three.app_name, "evntslog");
  const four = parsed(
    '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]',
  );
  assert.deepEqual(four.structured_data, {
    "exampleSDID@32473": { iut: "3", eventSource: "Application", eventID: "1011" },
    "examplePriority@32473": { class: "high" },
  });
  assert.equal(four.message, undefined);
});

test("RFC 5424: SD escapes, repeated params, all-NIL header, +offset", () => {
  const e = parsed(
    '<0>1 2024-02-29T23:30:00+01:30 - - - - [a@1 p="q\\"u\\\\o\\]te" p="2" x="c:\\dir"][b k=""] m',
  );
  assert.equal(e.timestamp, "2024-02-29T22:00:00Z");
  assert.deepEqual(e.structured_data, { "a@1": { p: ['q"u\\o]te', "2"], x: "c:\\dir" }, b: { k: "" } });
  assert.equal(e.hostname, undefined);
  assert.equal(e.message, "m");
  assert.deepEqual(parsed("<191>1 - - - - - -"), {
    format: "rfc5424",
    facility: 23,
    facility_name: "local7",
    severity: 7,
    severity_name: "debug",
  });
});

test("RFC 5424 problems carry precise codes", () => {
  assert.equal(problem("<34>2 - - - - - -").code, "unsupported-version");
  assert.equal(problem("<192>1 - - - - - -").code, "invalid-pri");
  assert.equal(problem("34>1 - - - - - -").code, "missing-pri");
  assert.equal(problem("<34>1 2003-02-30T00:00:00Z h a p m -").code, "invalid-timestamp");
  assert.equal(problem("<34>1 2003-10-11 22:14:15Z h a p m -").code, "invalid-timestamp");
  assert.equal(problem("<34>1 2003-10-11T24:00:00Z h a p m -").code, "invalid-timestamp");
  assert.equal(problem("<34>1 - h a p").code, "invalid-header");
  assert.equal(problem("<34>1 - h  a p m -").code, "invalid-header");
  assert.equal(problem(`<34>1 - h ${"a".repeat(49)} p m -`).code, "field-too-long");
  assert.equal(problem('<34>1 - h a p m [id k="v"').code, "invalid-structured-data");
  assert.equal(problem("<34>1 - h a p m [id k=v]").code, "invalid-structured-data");
  assert.equal(problem('<34>1 - h a p m [id k="v"]x').code, "invalid-structured-data");
  assert.equal(problem("<34>1 - h a p m msg").code, "invalid-structured-data");
  assert.equal(problem("").code, "empty-message");
  assert.match(problem('<34>1 - h a p m [id k="v').message, /unterminated value of k \(at character \d+\)/);
});

test("RFC 3164 §5.4 examples", () => {
  const now = new Date("2003-11-01T00:00:00Z");
  assert.deepEqual(
    parsed("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8", now),
    {
      format: "rfc3164",
      facility: 4,
      facility_name: "auth",
      severity: 2,
      severity_name: "crit",
      timestamp: "2003-10-11T22:14:15Z",
      hostname: "mymachine",
      app_name: "su",
      message: "'su root' failed for lonvick on /dev/pts/8",
    },
  );
  // A relay added the header; the content has no tag.
  const bfg = parsed("<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!", now);
  assert.deepEqual(
    [bfg.timestamp, bfg.hostname, bfg.app_name, bfg.message],
    ["2003-02-05T17:32:18Z", "10.0.0.99", undefined, "Use the BFG!"],
  );
  // Non-standard headers: what cannot be recognised stays in the message, nothing is lost.
  const nuts = parsed(
    "<165>Aug 24 05:34:00 CST 1987 mymachine myproc[10]: %% It's time to make the do-nuts.",
    now,
  );
  assert.deepEqual([nuts.severity_name, nuts.facility_name, nuts.hostname], ["notice", "local4", "CST"]);
  assert.equal(nuts.message, "1987 mymachine myproc[10]: %% It's time to make the do-nuts.");
  const folks = parsed(
    "<0>1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org 10.1.2.3 sched[0]: That's All Folks!",
    now,
  );
  assert.deepEqual(
    [folks.severity_name, folks.timestamp, folks.message],
    [
      "emerg",
      undefined,
      "1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org 10.1.2.3 sched[0]: That's All Folks!",
    ],
  );
});

test("RFC 3164: tag with pid, no hostname, RFC 3339 timestamp, year at turn of the year", () => {
  const sshd = parsed("<38>Mar  9 08:01:02 web-1 sshd[4242]: Accepted publickey for root from 192.0.2.7");
  assert.deepEqual(
    [sshd.timestamp, sshd.hostname, sshd.app_name, sshd.procid],
    ["2024-03-09T08:01:02Z", "web-1", "sshd", "4242"],
  );
  const noHost = parsed("<13>Mar 10 11:59:00 kernel: eth0 up");
  assert.deepEqual([noHost.hostname, noHost.app_name, noHost.message], [undefined, "kernel", "eth0 up"]);
  const iso = parsed("<30>2024-03-10T10:00:00.5+02:00 db01 postgres[77]: ready");
  assert.deepEqual(
    [iso.timestamp, iso.hostname, iso.app_name],
    ["2024-03-10T08:00:00.5Z", "db01", "postgres"],
  );
  const jan = new Date("2025-01-01T00:10:00Z");
  assert.equal(parsed("<13>Dec 31 23:59:00 h t: m", jan).timestamp, "2024-12-31T23:59:00Z");
  assert.equal(
    parsed("<13>Jan  1 00:09:00 h t: m", new Date("2024-12-31T23:59:59Z")).timestamp,
    "2025-01-01T00:09:00Z",
  );
  assert.equal(
    parsed("<13>Feb 29 00:00:00 h t: m", new Date("2025-03-01T00:00:00Z")).timestamp,
    "2024-02-29T00:00:00Z",
  );
  const offset = parseRfc3164("<13>Mar 10 13:00:00 h t: m", { now: NOW, utcOffsetMinutes: 60 });
  assert.ok(offset.ok && offset.value.timestamp === "2024-03-10T12:00:00Z");
  assert.equal(problem("<13>Feb 30 00:00:00 h t: m").code, "invalid-timestamp");
  assert.equal(problem("no pri here").code, "missing-pri");
});

test("bytes are decoded as UTF-8 and auto-detection picks the format", () => {
  const bytes = new TextEncoder().encode(`<14>1 - h app - - - ${BOM}héllo`);
  assert.equal(parsed(bytes).message, "héllo");
  assert.equal(parsed("<14>Mar 10 11:00:00 h app: x").format, "rfc3164");
  const direct = parseRfc5424("<14>1 - h app - - - x");
  assert.ok(direct.ok && direct.value.format === "rfc5424");
});
