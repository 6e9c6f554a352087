// The node's side of the corridor: TAXII collections per partner, policy-filtered and signed
// pushes of incidents to partners' inboxes, verification of what partners push to ours, and
// the import of their indicators into this node's perimeter decisions. Every decision audited.
import type { KeyObject } from "node:crypto";
import { Hono } from "hono";
import type { Logger } from "pino";
import type { AuditPort } from "../api/services.js";
import type { AssistanceEvent, AssistanceRequest } from "../assist/request.js";
import { getRequest, markDelivered, recordEvent, undelivered } from "../assist/store.js";
import type { Incident, Jurisdiction, Principal } from "../core/index.js";
import { addDecision } from "../perimeter/decisions.js";
import { blockCandidates } from "../share/federation/inbound.js";
import { outgoingIncident } from "../share/federation/outbound.js";
import { decisionCodes } from "../share/policy/index.js";
import {
  DatabaseNonceStore,
  listPartners,
  loadKeyPair,
  newEnvelope,
  type Partner,
  type PinnedKey,
  partnerByInboundToken,
  pinnedKeys,
  SecretBox,
  sealPartnerSecrets,
  signEnvelope,
  verifyEnvelope,
} from "../share/signing/index.js";
import { TaxiiClient } from "../share/taxii/client.js";
import { addObjects, type Collection, createCollection } from "../share/taxii/store.js";
import type { Database } from "../store/database.js";
import { getState, putState } from "../store/state-repo.js";

export const ASSISTANCE_PATH = "/federation/v1/assistance";
export const ENVELOPE_HEADER = "x-corridor-envelope";
export const SIGNATURE_HEADER = "x-corridor-signature";

export interface ShareOutcome {
  readonly partner: string;
  readonly outcome: "allow" | "transform" | "refuse" | "no-policy" | "failed";
  readonly codes: readonly string[];
  readonly objects: number;
  readonly pushed: boolean;
  readonly error?: string;
}

export interface FederationOptions {
  readonly db: Database;
  readonly node: { readonly id: string; readonly name: string; readonly jurisdiction: Jurisdiction };
  readonly dataDir: string;
  readonly audit: AuditPort;
  readonly log: Logger;
  readonly now: () => Date;
  /** How long a block taken from a partner's indicator lasts when the indicator names no end. */
  readonly importBlockMs: number;
  /** Whether partners' indicators become blocks here at all (local policy). */
  readonly importBlocks?: boolean;
  /** Called after a partner's assistance event was applied (demo timelines). */
  readonly onAssistance?: (r: AssistanceRequest, e: AssistanceEvent) => void;
  /** Called after partner indicators became decisions (metrics, demo timelines). */
  readonly onImported?: (e: { partner: string; decisions: number; objects: number }) => void;
}

/** A partner node as the caller of this node's interfaces. */
const partnerPrincipal = (p: Pick<Partner, "id" | "jurisdiction">): Principal => ({
  tokenId: `partner:${p.id}`,
  name: p.id,
  role: "partner",
  clearance: "restricted",
  nationality: p.jurisdiction,
});

export class Federation {
  private key: { privateKey: KeyObject; kid: string } | undefined;
  /** Opens the partner secrets stored sealed (see SecretBox): set with the node key. */
  private box: SecretBox | undefined;
  private readonly nonces: DatabaseNonceStore;
  private inboxes = new Map<string, string>();
  /** Partner tokens recently seen (a token is revoked within two seconds). */
  private readonly tokens = new Map<string, { at: number; partner: Partner }>();
  /** Partners and their pinned keys, parsed once a few seconds (a PEM parse per envelope adds up). */
  private cache: { at: number; partners: Partner[]; pinned: Map<string, PinnedKey> } | undefined;

  private async load(): Promise<NonNullable<Federation["cache"]>> {
    const now = Date.now();
    if (!this.cache || now - this.cache.at > 2000) {
      this.cache = {
        at: now,
        partners: await listPartners(this.o.db, this.box, { enabledOnly: true }),
        pinned: await pinnedKeys(this.o.db),
      };
    }
    return this.cache;
  }

  /** Forgets cached partners (after a change made directly in the database). */
  refresh(): void {
    this.cache = undefined;
    this.tokens.clear();
  }

  private async partners(): Promise<Partner[]> {
    return (await this.load()).partners;
  }

  private async pinned(): Promise<Map<string, PinnedKey>> {
    return (await this.load()).pinned;
  }

  constructor(private readonly o: FederationOptions) {
    this.nonces = new DatabaseNonceStore(o.db);
  }

  /** Loads the node key and sets up the TAXII collections for every partner. */
  async start(): Promise<{ signing: boolean; partners: number }> {
    const k = loadKeyPair(this.o.dataDir);
    if (k.ok) {
      this.key = { privateKey: k.value.privateKey, kid: k.value.info.kid };
      this.box = SecretBox.fromNodeKey(k.value.privateKey);
      const sealed = await sealPartnerSecrets(this.o.db, this.box);
      if (sealed > 0) this.o.log.info({ partners: sealed }, "partner secrets stored in clear are now sealed");
    } else this.o.log.warn({ problem: k.error }, "no node key: nothing will be shared (corridor keys init)");
    this.cache = undefined;
    const partners = await this.partners();
    const now = this.o.now();
    const staff = {
      "role:admin": { canRead: true, canWrite: true },
      "role:analyst": { canRead: true, canWrite: false },
      "role:crisis-officer": { canRead: true, canWrite: false },
      "role:auditor": { canRead: true, canWrite: false },
    };
    await createCollection(
      this.o.db,
      { alias: "inbox", title: `${this.o.node.id} inbox`, description: "What partners push to this node" },
      {
        ...staff,
        ...Object.fromEntries(partners.map((p) => [`partner:${p.id}`, { canRead: false, canWrite: true }])),
      },
      now,
    );
    for (const p of partners) {
      await createCollection(
        this.o.db,
        {
          alias: `to-${p.id}`,
          title: `Shared with ${p.name}`,
          description: `What ${this.o.node.id} shares with ${p.id}`,
        },
        { ...staff, [`partner:${p.id}`]: { canRead: true, canWrite: false } },
        now,
      );
    }
    return { signing: this.key !== undefined, partners: partners.length };
  }

  /** A partner presenting its inbound token, as a principal of role partner. */
  async authenticatePartner(secret: string): Promise<Principal | null> {
    const hit = this.tokens.get(secret);
    const fresh = hit !== undefined && Date.now() - hit.at < 2000;
    const p = fresh ? hit.partner : await partnerByInboundToken(this.o.db, this.box, secret);
    if (p && !fresh) this.tokens.set(secret, { at: Date.now(), partner: p });
    if (this.tokens.size > 1000) this.tokens.clear();
    return p?.enabled ? partnerPrincipal(p) : null;
  }

  /** Sends an incident to every partner whose policy lets (some of) it through. */
  async shareIncident(i: Incident, by: string): Promise<ShareOutcome[]> {
    const out: ShareOutcome[] = [];
    for (const p of await this.partners()) out.push(await this.shareWith(p, i, by));
    return out;
  }

  private async shareWith(p: Partner, i: Incident, by: string): Promise<ShareOutcome> {
    if (!p.policy) {
      await this.o.audit.append({
        actor: by,
        action: "share.decision",
        target: i.id,
        outcome: "denied",
        details: {
          partner: p.id,
          outcome: "no-policy",
          reason: p.policyProblem ?? "no sharing policy for this partner",
        },
      });
      return { partner: p.id, outcome: "no-policy", codes: [], objects: 0, pushed: false };
    }
    const { decision, bundle } = outgoingIncident(i, p.policy, this.o.node);
    const codes = decisionCodes(decision);
    await this.o.audit.append({
      actor: by,
      action: "share.decision",
      target: i.id,
      outcome: decision.outcome === "refuse" ? "denied" : "success",
      details: {
        partner: p.id,
        outcome: decision.outcome,
        codes,
        ...(decision.outcome === "transform"
          ? { changes: decision.changes.map((c) => ({ code: c.code, what: c.what })) }
          : {}),
      },
    });
    if (!bundle) return { partner: p.id, outcome: decision.outcome, codes, objects: 0, pushed: false };
    const objects = bundle.objects as unknown as Record<string, unknown>[];
    const outbox = await this.collectionId(`to-${p.id}`);
    if (outbox)
      await addObjects(this.o.db, outbox, objects, {
        requestedBy: `node:${this.o.node.id}`,
        now: this.o.now(),
      });
    try {
      await this.push(p, objects);
      await this.o.audit.append({
        actor: by,
        action: "share.push",
        target: i.id,
        outcome: "success",
        details: { partner: p.id, objects: objects.length },
      });
      return { partner: p.id, outcome: decision.outcome, codes, objects: objects.length, pushed: true };
    } catch (e) {
      // the partner pulls from to-<partner> when it is back: the push is the fast path only
      const error = (e as Error).message;
      this.o.log.warn({ partner: p.id, err: e }, "push failed; the partner will pull");
      await this.o.audit.append({
        actor: by,
        action: "share.push",
        target: i.id,
        outcome: "failure",
        details: { partner: p.id, error: error.slice(0, 300) },
      });
      return {
        partner: p.id,
        outcome: decision.outcome,
        codes,
        objects: objects.length,
        pushed: false,
        error,
      };
    }
  }

  private async collectionId(alias: string): Promise<string | undefined> {
    const { rows } = await this.o.db.query<{ id: string }>(
      "SELECT id FROM taxii_collections WHERE alias = $1",
      [alias],
    );
    return rows[0]?.id;
  }

  /** Pushes objects to the partner's inbox, signed: the envelope travels in headers, the objects as the TAXII body. */
  private async push(p: Partner, objects: readonly Record<string, unknown>[]): Promise<void> {
    if (!this.key) throw new Error("no node key: run 'corridor keys init'");
    if (!p.outboundToken)
      throw new Error(
        p.outboundTokenProblem !== null
          ? `the token to call ${p.id} cannot be read: ${p.outboundTokenProblem}`
          : `no token to call ${p.id} (corridor partner add --outbound-token-file)`,
      );
    const client = new TaxiiClient({ baseUrl: p.baseUrl, token: p.outboundToken, timeoutMs: 5000 });
    let inbox = this.inboxes.get(p.id);
    if (!inbox) {
      const cols = await client.collections();
      inbox = cols.find((c) => c.alias === "inbox" && c.can_write)?.id;
      if (!inbox) throw new Error(`${p.id} offers no inbox collection we may write to`);
      this.inboxes.set(p.id, inbox);
    }
    const body = { objects };
    await client.push(inbox, objects, {
      body: JSON.stringify(body),
      headers: this.signedHeaders(p.id, body),
    });
  }

  /** The TAXII server's check of a partner's push: a valid signature from that partner, for us, fresh, once. */
  async verifyPush(w: {
    headers: Headers;
    body: unknown;
    principal: Principal;
    collection: Collection;
  }): Promise<{ status: number; message: string } | undefined> {
    if (w.principal.role !== "partner") return undefined; // staff writes are authorised by role
    const refuse = async (code: string, message: string) => {
      await this.o.audit.append({
        actor: `partner ${w.principal.name}`,
        action: "share.rejected",
        target: w.collection.alias ?? w.collection.id,
        outcome: "denied",
        details: { code, message },
      });
      return { status: code === "unsigned" ? 401 : 403, message: `${code}: ${message}` };
    };
    const metaText = w.headers.get(ENVELOPE_HEADER);
    const signature = w.headers.get(SIGNATURE_HEADER);
    if (!metaText || !signature)
      return refuse(
        "unsigned",
        `pushes between corridor nodes carry ${ENVELOPE_HEADER} and ${SIGNATURE_HEADER}`,
      );
    let meta: Record<string, unknown>;
    try {
      meta = JSON.parse(Buffer.from(metaText, "base64url").toString("utf8")) as Record<string, unknown>;
    } catch {
      return refuse("malformed", `${ENVELOPE_HEADER} is not base64url JSON`);
    }
    if (meta.from !== w.principal.name)
      return refuse("wrong-sender", `signed as ${String(meta.from)}, authenticated as ${w.principal.name}`);
    const r = await verifyEnvelope(
      { envelope: { ...meta, payload: w.body }, signature },
      {
        pinnedKeys: await this.pinned(),
        expectedTo: this.o.node.id,
        now: this.o.now(),
        seenNonces: this.nonces,
      },
    );
    if (!r.ok) return refuse(r.error.code, r.error.message);
    return undefined;
  }

  /** What a partner pushed to our inbox: its indicators become perimeter decisions here. */
  async imported(
    collection: Collection,
    objects: readonly Record<string, unknown>[],
    by: Principal,
  ): Promise<void> {
    if (by.role !== "partner" || collection.alias !== "inbox") return;
    const now = this.o.now();
    let made = 0;
    for (const b of this.o.importBlocks === false ? [] : blockCandidates(objects)) {
      const until = b.validUntil ? Date.parse(b.validUntil) : Number.NaN;
      const durationMs =
        Number.isFinite(until) && until > now.getTime() ? until - now.getTime() : this.o.importBlockMs;
      const d = await addDecision(
        this.o.db,
        {
          target: b.target,
          durationMs,
          origin: by.name,
          scenario: `corridor/shared/${by.name}`,
          reason: b.name ?? `indicator ${b.indicatorId} from ${by.name}`,
        },
        now,
      );
      if (d.ok) made++;
    }
    await this.o.audit.append({
      actor: `partner ${by.name}`,
      action: "share.import",
      target: "inbox",
      outcome: "success",
      details: { objects: objects.length, decisions: made },
    });
    this.o.onImported?.({ partner: by.name, decisions: made, objects: objects.length });
  }

  /** Sends one assistance event to the other party, signed; false when it could not be delivered now. */
  async sendAssistance(partnerId: string, requestId: string, event: AssistanceEvent): Promise<boolean> {
    const p = (await this.partners()).find((x) => x.id === partnerId);
    if (!p || !this.key || !p.outboundToken) return false;
    const signed = signEnvelope(
      newEnvelope(
        { from: this.o.node.id, to: p.id, kid: this.key.kid, payload: { requestId, event } as never },
        this.o.now(),
      ),
      this.key.privateKey,
    );
    try {
      const res = await fetch(new URL(ASSISTANCE_PATH, p.baseUrl), {
        method: "POST",
        headers: { authorization: `Bearer ${p.outboundToken}`, "content-type": "application/json" },
        body: JSON.stringify(signed),
        signal: AbortSignal.timeout(5000),
      });
      // 409: the partner has it already (a resend after a lost answer)
      if (res.ok || res.status === 409) {
        await markDelivered(this.o.db, requestId, event.seq);
        return true;
      }
      this.o.log.warn(
        { partner: p.id, status: res.status, body: (await res.text()).slice(0, 300) },
        "assistance refused",
      );
      return false;
    } catch (e) {
      this.o.log.warn({ partner: p.id, err: e }, "assistance not delivered; will retry");
      return false;
    }
  }

  /** Resends what the partner has not confirmed (after an outage), every `everyMs`. */
  startOutbox(everyMs = 5000): { stop(): void } {
    let busy = false;
    const timer = setInterval(async () => {
      if (busy) return;
      busy = true;
      try {
        for (const { requestId, event } of await undelivered(this.o.db)) {
          const r = await getRequest(this.o.db, requestId);
          if (!r) continue;
          const other = r.from === this.o.node.id ? r.to : r.from;
          if (!(await this.sendAssistance(other, requestId, event))) break;
        }
      } catch (e) {
        this.o.log.warn({ err: e }, "assistance outbox failed");
      } finally {
        busy = false;
      }
    }, everyMs);
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }

  /** The federation endpoints partners call (signed assistance events), as a sub-application. */
  routes(): Hono {
    const app = new Hono();
    app.post(ASSISTANCE_PATH, async (c) => {
      const token = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
      const partner = token ? await this.authenticatePartner(token) : null;
      if (!partner) {
        await this.o.audit.append({
          actor: "anonymous",
          action: "assist.refused",
          outcome: "denied",
          details: { code: "unauthenticated" },
        });
        return c.json({ code: "unauthenticated", message: "a partner's inbound token is required" }, 401);
      }
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return c.json({ code: "invalid-json", message: "the body is a signed envelope" }, 400);
      }
      const verified = await verifyEnvelope(body, {
        pinnedKeys: await this.pinned(),
        expectedTo: this.o.node.id,
        now: this.o.now(),
        seenNonces: this.nonces,
      });
      const refuse = async (status: 400 | 403 | 409, code: string, message: string) => {
        await this.o.audit.append({
          actor: `partner ${partner.name}`,
          action: "assist.refused",
          outcome: "denied",
          details: { code, message },
        });
        return c.json({ code, message }, status);
      };
      if (!verified.ok) return refuse(403, verified.error.code, verified.error.message);
      if (verified.value.from !== partner.name)
        return refuse(403, "wrong-sender", "signed by another node than the caller");
      const { requestId, event } = verified.value.payload as { requestId: string; event: AssistanceEvent };
      if (event.kind === "requested" && event.request.to !== this.o.node.id) {
        return refuse(403, "not-for-us", "the request is addressed to another node");
      }
      const r = await recordEvent(this.o.db, event, { delivered: true, id: requestId });
      if (!r.ok)
        return refuse(
          r.error.code === "assist-out-of-order" || r.error.code === "assist-duplicate" ? 409 : 400,
          r.error.code,
          r.error.message,
        );
      await this.o.audit.append({
        actor: `partner ${partner.name}`,
        action: `assist.${event.kind}`,
        target: requestId,
        outcome: "success",
        details: { seq: event.seq, status: r.value.status },
      });
      this.o.onAssistance?.(r.value, event);
      return c.json({ id: r.value.id, seq: r.value.seq, status: r.value.status });
    });
    return app;
  }

  /** Signature headers for an objects page a partner reads from us. */
  signPage(page: unknown, principal: Principal): Record<string, string> | undefined {
    if (principal.role !== "partner" || !this.key) return undefined;
    return this.signedHeaders(principal.name, page);
  }

  /**
   * The corridor envelope for a body that travels as it is (a TAXII envelope or page): its
   * metadata in X-Corridor-Envelope, the detached JWS over metadata + body in X-Corridor-Signature.
   */
  private signedHeaders(to: string, body: unknown): Record<string, string> {
    if (!this.key) throw new Error("no node key: run 'corridor keys init'");
    const signed = signEnvelope(
      newEnvelope({ from: this.o.node.id, to, kid: this.key.kid, payload: body as never }, this.o.now()),
      this.key.privateKey,
    );
    const { payload: _body, ...meta } = signed.envelope;
    return {
      [ENVELOPE_HEADER]: Buffer.from(JSON.stringify(meta)).toString("base64url"),
      [SIGNATURE_HEADER]: signed.signature,
    };
  }

  /**
   * Pulls what each partner shares with us since our cursor (repairs what pushes missed during an
   * outage): every page must carry the partner's signature; new objects land in our inbox and are
   * imported as if pushed. Returns the objects newly taken per partner.
   */
  async pullAll(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    const inbox = await this.collectionId("inbox");
    if (!inbox) return out;
    for (const p of await this.partners()) {
      if (!p.outboundToken) continue;
      const client = new TaxiiClient({ baseUrl: p.baseUrl, token: p.outboundToken, timeoutMs: 10_000 });
      const key = `federation.pull.${p.id}`;
      let taken = 0;
      try {
        const from = await getState<string>(this.o.db, key);
        const cols = await client.collections();
        const shared = cols.find((c) => c.alias === `to-${this.o.node.id}` && c.can_read);
        if (!shared) continue;
        for await (const page of client.pull(shared.id, from ? { addedAfter: from } : {})) {
          const refused = await this.verifyPush({
            headers: page.headers,
            body: page.body,
            principal: partnerPrincipal(p),
            collection: { id: shared.id, alias: "pull", title: "", description: "" },
          });
          if (refused) throw new Error(`page refused: ${refused.message}`);
          const status = await addObjects(this.o.db, inbox, page.objects, {
            requestedBy: `partner:${p.id}`,
            now: this.o.now(),
          });
          const fresh = new Set(
            status.successes.filter((x) => !x.message).map((x) => `${x.id} ${x.version}`),
          );
          const news = page.objects.filter((o) =>
            fresh.has(`${String(o.id)} ${String(o.modified ?? o.created)}`),
          );
          if (news.length > 0) {
            await this.imported(
              { id: inbox, alias: "inbox", title: "", description: "" },
              news,
              partnerPrincipal(p),
            );
          }
          taken += news.length;
          if (page.cursor) await putState(this.o.db, key, page.cursor, this.o.now());
        }
      } catch (e) {
        this.o.log.warn({ partner: p.id, err: e }, "pull failed; next round retries");
      }
      out[p.id] = taken;
    }
    return out;
  }

  /** Pulls every `everyMs` (and once at once). */
  startPulling(everyMs: number): { stop(): void } {
    let busy = false;
    const tick = async () => {
      if (busy) return;
      busy = true;
      try {
        await this.pullAll();
      } finally {
        busy = false;
      }
    };
    const timer = setInterval(() => void tick(), everyMs);
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }
}
