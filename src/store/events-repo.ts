// Stored events: the ones alerts point to (raw events at volume live in the segment log).
// A batch is one INSERT over unnest'ed arrays: one round trip however many rows.
import { randomUUID } from "node:crypto";
import type { JsonObject } from "../core/event.js";
import type { Sql } from "./database.js";
import { isUuid, jsonParam, textParam } from "./values.js";

export interface NewEvent {
  /** A UUID; generated when absent. Re-inserting an existing id is a no-op. */
  readonly id?: string | undefined;
  readonly receivedAt: Date;
  readonly source: string;
  readonly raw: JsonObject;
  /** Position in the segment log. */
  readonly offset?: number | undefined;
}

export interface StoredEvent {
  readonly id: string;
  readonly receivedAt: Date;
  readonly source: string;
  readonly raw: JsonObject;
  readonly offset: number | null;
}

/** Inserts events; returns their ids in input order (existing ids are kept, not overwritten). */
export async function insertEvents(sql: Sql, events: readonly NewEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  const ids = events.map((e) => e.id ?? randomUUID());
  await sql.query(
    `INSERT INTO events (id, received_at, source, raw, log_offset)
     SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::jsonb[], $5::int8[])
     ON CONFLICT (id) DO NOTHING`,
    [
      ids,
      events.map((e) => e.receivedAt.toISOString()),
      events.map((e) => textParam(e.source)),
      events.map((e) => jsonParam(e.raw)),
      events.map((e) => e.offset ?? null),
    ],
  );
  return ids;
}

type EventRow = { id: string; received_at: Date; source: string; raw: JsonObject; log_offset: number | null };

export async function getEvent(sql: Sql, id: string): Promise<StoredEvent | null> {
  if (!isUuid(id)) return null;
  const { rows } = await sql.query<EventRow>(
    "SELECT id, received_at, source, raw, log_offset FROM events WHERE id = $1::uuid",
    [id],
  );
  const r = rows[0];
  return r === undefined ? null : toEvent(r);
}

/** Events by id, in the order asked (missing ids are skipped): an alert's evidence. */
export async function getEvents(sql: Sql, ids: readonly string[]): Promise<StoredEvent[]> {
  const valid = ids.filter(isUuid);
  if (valid.length === 0) return [];
  const { rows } = await sql.query<EventRow>(
    `SELECT e.id, e.received_at, e.source, e.raw, e.log_offset
     FROM unnest($1::uuid[]) WITH ORDINALITY AS w(id, n) JOIN events e ON e.id = w.id ORDER BY w.n`,
    [valid],
  );
  return rows.map(toEvent);
}

function toEvent(r: EventRow): StoredEvent {
  return { id: r.id, receivedAt: r.received_at, source: r.source, raw: r.raw, offset: r.log_offset };
}
