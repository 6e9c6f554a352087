// The corridor end to end, fr and de in one process: the demo's scenario, what de received (no
// personal data), and the trust checks: unsigned, tampered, replayed, wrongly signed and
// misaddressed pushes are refused and audited; a partner without rights gets nothing.
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type Corridor, startCorridor } from "../src/demo/corridor.js";
import { runScenario } from "../src/demo/scenario.js";
import { ENVELOPE_HEADER, SIGNATURE_HEADER } from "../src/node/federation.js";
import { activeDecisions } from "../src/perimeter/decisions.js";
import {
  describePublicKey,
  getPartner,
  loadKeyPair,
  newEnvelope,
  SecretBox,
  setOutboundToken,
  signEnvelope,
} from "../src/share/signing/index.js";
import { TAXII_MEDIA_TYPE } from "../src/share/taxii/server.js";

let c: Corridor;
let dir: string;
/** fr's secret box: its partner secrets are sealed with its node key. */
const frBox = () => {
  const box = SecretBox.load(join(dir, "fr"));
  assert.ok(box.ok);
  return box.value;
};
before(async () => {
  dir = mkdtempSync(join(tmpdir(), "corridor-e2e-"));
  c = await startCorridor({ dir });
});
after(async () => {
  await c.stop();
  rmSync(dir, { recursive: true, force: true });
});

type Json = Record<string, unknown>;
const get = async (url: string, token: string) =>
  (await (
    await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: TAXII_MEDIA_TYPE } })
  ).json()) as Json;

test("the scenario: detection at fr -> shared indicator -> de's bouncer stream -> assistance answered", async () => {
  const s = await runScenario(c);
  assert.deepEqual(
    s.steps.map((x) => `${x.node} ${x.step}`),
    [
      "fr ingest",
      "fr detection",
      "fr incidents",
      "fr triage",
      "fr→de share",
      "de perimeter",
      "fr→de assistance",
      "de→fr assistance",
    ],
  );
  assert.equal(s.eventsSent, 484);
  assert.ok(s.alerts > 10 && s.incidents > 0);
  assert.equal(s.blocked, "203.0.113.47");
  assert.equal(s.assistance.status, "accepted");
  assert.ok(s.policyChanges.length > 0, "the policy removed personal data");
  assert.ok(s.steps.every((x, i) => i === 0 || x.t >= s.steps[i - 1]!.t));

  // what de holds from fr: the public indicator, none of the personal values
  const cols = (await get(`${c.de.url}/taxii2/api/collections/`, c.de.tokens.admin)) as {
    collections: { id: string; alias: string }[];
  };
  const inbox = cols.collections.find((x) => x.alias === "inbox")!;
  const objects = (await get(
    `${c.de.url}/taxii2/api/collections/${inbox.id}/objects/?limit=1000`,
    c.de.tokens.admin,
  )) as {
    objects: Json[];
  };
  const text = JSON.stringify(objects.objects);
  assert.ok(text.includes("203.0.113.47"));
  for (const personal of ["srv-lyon-dc01", "10.30.1.10", "MARTEL", "c.bernard"]) {
    assert.ok(!text.includes(personal), `${personal} crossed the border`);
  }
  assert.ok(objects.objects.some((o) => o.type === "incident"));
  // both audit logs hold the exchange, and both chains verify
  const frAudit = (await get(`${c.fr.url}/api/v1/audit?action=share.push`, c.fr.tokens.auditor)) as {
    items: Json[];
  };
  assert.equal(frAudit.items[0]?.outcome, "success");
  const deAudit = (await get(`${c.de.url}/api/v1/audit?action=share.import`, c.de.tokens.auditor)) as {
    items: Json[];
  };
  assert.equal((deAudit.items[0]?.details as Json | undefined)?.decisions, 1);
  for (const n of [c.fr, c.de])
    assert.equal((await get(`${n.url}/api/v1/audit/verify`, n.tokens.auditor)).ok, true);
});

test("trust: unsigned, tampered, replayed, wrongly signed or misaddressed pushes are refused and audited", async () => {
  const frKey = loadKeyPair(join(dir, "fr"));
  assert.ok(frKey.ok);
  // fr's partner token at de: what fr presents when it pushes (stored sealed with fr's node key)
  const { rows } = await c.fr.node.db.query<{ outbound_token: string }>(
    "SELECT outbound_token FROM partners WHERE id = 'de'",
  );
  assert.match(rows[0]!.outbound_token, /^enc:v1:/);
  const token = (await getPartner(c.fr.node.db, frBox(), "de"))!.outboundToken!;
  const cols = (await get(`${c.de.url}/taxii2/api/collections/`, token)) as {
    collections: { id: string; alias: string }[];
  };
  const inbox = cols.collections.find((x) => x.alias === "inbox")!.id;
  const objects = [
    {
      type: "indicator",
      spec_version: "2.1",
      id: "indicator--11111111-2222-4333-8444-555555555555",
      created: "2026-11-22T10:00:00.000Z",
      modified: "2026-11-22T10:00:00.000Z",
      pattern: "[ipv4-addr:value = '198.51.100.201']",
      pattern_type: "stix",
      valid_from: "2026-11-22T10:00:00Z",
    },
  ];
  const signed = (
    key = frKey.value.privateKey,
    kid = frKey.value.info.kid,
    to = "de",
    payload: unknown = { objects },
  ) => {
    const s = signEnvelope(newEnvelope({ from: "fr", to, kid, payload: payload as never }, new Date()), key);
    const { payload: _p, ...meta } = s.envelope;
    return {
      [ENVELOPE_HEADER]: Buffer.from(JSON.stringify(meta)).toString("base64url"),
      [SIGNATURE_HEADER]: s.signature,
    };
  };
  const push = (headers: Record<string, string>, body: unknown = { objects }) =>
    fetch(`${c.de.url}/taxii2/api/collections/${inbox}/objects/`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        accept: TAXII_MEDIA_TYPE,
        "content-type": TAXII_MEDIA_TYPE,
        ...headers,
      },
      body: JSON.stringify(body),
    });
  const expectRefused = async (r: Response, code: string) => {
    const body = (await r.json()) as { description: string };
    assert.ok(r.status === 401 || r.status === 403, `${code}: ${r.status}`);
    assert.match(body.description, new RegExp(`^${code}`), body.description);
    assert.equal(r.headers.get("content-type"), TAXII_MEDIA_TYPE);
  };
  await expectRefused(await push({}), "unsigned");
  const tampered = { objects: [{ ...objects[0], pattern: "[ipv4-addr:value = '8.8.8.8']" }] };
  await expectRefused(await push(signed(), tampered), "bad-signature");
  const other = generateKeyPairSync("ed25519");
  await expectRefused(
    await push(signed(other.privateKey, describePublicKey(other.publicKey).kid)),
    "wrong-key",
  );
  await expectRefused(await push(signed(frKey.value.privateKey, frKey.value.info.kid, "it")), "not-for-us");
  const good = signed();
  assert.equal((await push(good)).status, 202);
  await expectRefused(await push(good), "replayed");
  const audit = (await get(
    `${c.de.url}/api/v1/audit?action=share.rejected&limit=50`,
    c.de.tokens.auditor,
  )) as {
    items: { details: { code: string } }[];
  };
  const codes = audit.items.map((e) => e.details.code).sort();
  assert.deepEqual(codes, ["bad-signature", "not-for-us", "replayed", "unsigned", "wrong-key"]);
  // a partner may not read what is not shared with it
  const outbox = cols.collections.find((x) => x.alias === "to-fr");
  assert.ok(outbox, "fr sees the collection de shares with it");
  assert.ok(!cols.collections.some((x) => x.alias === "to-it"));
});

test("pull repairs a missed push: what fr shared while its pushes failed reaches de, signed, exactly once", async () => {
  const token = (await getPartner(c.fr.node.db, frBox(), "de"))!.outboundToken!;
  await setOutboundToken(c.fr.node.db, frBox(), "de", `${token}-broken`);
  c.fr.node.federation.refresh();
  const post = async (n: typeof c.fr, path: string, body: unknown) =>
    (await (
      await fetch(`${n.url}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${n.tokens.analyst}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      })
    ).json()) as Json;
  const incident = await post(c.fr, "/api/v1/incidents", {
    title: "Exfiltration to a drop server",
    severity: "medium",
    observables: [{ kind: "ipv4", value: "198.51.100.77" }],
  });
  const shared = (await post(c.fr, `/api/v1/incidents/${incident.id}/share`, {})) as {
    partners: { partner: string; pushed: boolean }[];
  };
  assert.equal(shared.partners.find((p) => p.partner === "de")?.pushed, false, "the push failed");
  const before = await activeDecisions(c.de.node.db, new Date());
  assert.ok(!before.some((d) => d.value === "198.51.100.77"));
  const first = await c.de.node.federation.pullAll();
  assert.ok((first.fr ?? 0) > 0, `de pulled from fr: ${JSON.stringify(first)}`);
  const after = await activeDecisions(c.de.node.db, new Date());
  assert.equal(after.filter((d) => d.value === "198.51.100.77").length, 1);
  assert.deepEqual(await c.de.node.federation.pullAll(), { fr: 0 }, "the cursor moved: nothing twice");
  await setOutboundToken(c.fr.node.db, frBox(), "de", token);
  c.fr.node.federation.refresh();
});
