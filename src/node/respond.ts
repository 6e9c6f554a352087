// What follows a committed alert: an incident opened automatically at or above the configured
// severity, and playbook proposals for the alert and its incident, each audited. Runs after the
// detector's commit, one alert batch at a time, so a slow webhook never holds detection up.
import type { Logger } from "pino";
import { openIncident } from "../api/routes/incidents.js";
import type { AuditPort, NodeServices } from "../api/services.js";
import type { Alert, Incident, JsonObject, Severity } from "../core/index.js";
import { SEVERITIES } from "../core/index.js";
import { incidentFromAlert } from "../soc/incident-from-alerts.js";
import { extractAll } from "../soc/observables.js";
import { evaluatePlaybooks, type PlaybookSubject } from "../soc/playbook.js";
import { loadPlaybooks } from "../soc/playbook-loader.js";
import type { Playbook } from "../soc/playbook-schema.js";
import { proposeAction } from "../store/actions-repo.js";
import type { Database } from "../store/database.js";
import { getEvents } from "../store/events-repo.js";

export interface ResponderOptions {
  readonly db: Database;
  /** "off" or the lowest severity that opens an incident by itself. */
  readonly autoIncident: "off" | Severity;
  readonly playbookDirs: readonly string[];
  readonly now: () => Date;
  readonly audit: AuditPort;
  readonly log: Logger;
  /** The stored (raw) event with Sigma field names, as its source's mapping gives them. */
  readonly fieldsOf: (source: string, raw: JsonObject) => JsonObject;
  /** After an incident was opened automatically (cross-border sharing). */
  readonly onIncident?: ((incident: Incident) => Promise<void>) | undefined;
  /** The API services, for opening incidents the way the API does. */
  readonly services: () => NodeServices;
}

const rank = (s: Severity) => SEVERITIES.indexOf(s);

export class Responder {
  private playbooks: readonly Playbook[] = [];
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly o: ResponderOptions) {}

  /** Loads the playbooks; a folder that fails to load leaves the node without playbooks, loudly. */
  load(): { loaded: number; problems: readonly { message: string }[] } {
    const r = loadPlaybooks(this.o.playbookDirs);
    if (!r.ok) {
      this.o.log.error({ problems: r.error }, "playbooks failed to load: no actions will be proposed");
      this.playbooks = [];
      return { loaded: 0, problems: r.error };
    }
    this.playbooks = r.value;
    return { loaded: r.value.length, problems: [] };
  }

  get loaded(): number {
    return this.playbooks.length;
  }

  /** Queues the follow-ups of a commit; they run in order, after earlier ones. */
  onAlerts(touched: readonly { alert: Alert; created: boolean }[]): Promise<void> {
    const fresh = touched.filter((t) => t.created).map((t) => t.alert);
    if (fresh.length === 0) return Promise.resolve();
    this.chain = this.chain.then(async () => {
      for (const a of fresh) {
        try {
          await this.follow(a);
        } catch (e) {
          this.o.log.error({ err: e, alert: a.id }, "alert follow-up failed");
        }
      }
    });
    return Promise.resolve();
  }

  /** Resolves when every queued follow-up has run. */
  async idle(): Promise<void> {
    let last: Promise<void>;
    do {
      last = this.chain;
      await last;
    } while (last !== this.chain);
  }

  private async follow(a: Alert): Promise<void> {
    const { db, now } = this.o;
    const stored = await getEvents(db, a.eventIds.slice(0, 20));
    const fields = stored.map((e) => this.o.fieldsOf(e.source, e.raw));
    let incident: Incident | undefined;
    if (this.o.autoIncident !== "off" && rank(a.severity) >= rank(this.o.autoIncident)) {
      incident = await openIncident(
        this.o.services(),
        incidentFromAlert(a, fields, now()),
        "system (auto-incident)",
      );
      if (this.o.onIncident) {
        await this.o
          .onIncident(incident)
          .catch((e: unknown) => this.o.log.error({ err: e }, "sharing failed"));
      }
    }
    const observables = extractAll(fields, 200).map(({ kind, value }) => ({ kind, value }));
    const subjects: PlaybookSubject[] = [
      {
        kind: "alert",
        severity: a.severity,
        tags: a.tags,
        techniques: a.techniques,
        observables,
        rule: { id: a.ruleId, title: a.ruleTitle },
        title: a.ruleTitle,
        entity: a.entity,
      },
    ];
    if (incident) {
      subjects.push({
        kind: "incident",
        severity: incident.severity,
        tags: a.tags,
        techniques: incident.techniques,
        observables: incident.observables,
        rule: { id: a.ruleId, title: a.ruleTitle },
        title: incident.title,
        entity: a.entity,
      });
    }
    const seen = new Set<string>();
    for (const subject of subjects) {
      for (const p of evaluatePlaybooks(this.playbooks, subject, now())) {
        const key = `${p.playbook}\u0000${p.kind}\u0000${p.target}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const r = await proposeAction(
          db,
          {
            incidentId: incident?.id ?? null,
            alertId: a.id,
            playbook: p.playbook,
            kind: p.kind,
            target: p.target,
            params: p.params,
          },
          { actor: `playbook ${p.playbook}`, now: now() },
        );
        if (!r.ok) continue;
        await this.o.audit.append({
          actor: `playbook ${p.playbook}`,
          action: "action.propose",
          target: r.value.id,
          outcome: "success",
          details: { kind: p.kind, target: p.target, alertId: a.id, incidentId: incident?.id ?? null },
        });
      }
    }
  }
}
