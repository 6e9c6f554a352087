// The replay cache: nonces of accepted envelopes, each kept until its envelope would be stale
// anyway. In memory for one process; in the database (seen_nonces) when several share the work.
import type { Sql } from "../../store/database.js";

export interface NonceStore {
  /** Records a nonce atomically; false when it was already there (a replay). */
  remember(partner: string, nonce: string, expiresAt: Date): Promise<boolean>;
  /** Forgets nonces whose expiry is before `now`; how many. */
  purge(now: Date): Promise<number>;
}

export class MemoryNonceStore implements NonceStore {
  private readonly seen = new Map<string, number>();

  async remember(partner: string, nonce: string, expiresAt: Date): Promise<boolean> {
    const key = `${partner}\u0000${nonce}`;
    if (this.seen.has(key)) return false;
    this.seen.set(key, expiresAt.getTime());
    return true;
  }

  async purge(now: Date): Promise<number> {
    let n = 0;
    for (const [k, at] of this.seen) {
      if (at < now.getTime()) {
        this.seen.delete(k);
        n++;
      }
    }
    return n;
  }

  get size(): number {
    return this.seen.size;
  }
}

export class DatabaseNonceStore implements NonceStore {
  constructor(private readonly sql: Sql) {}

  async remember(partner: string, nonce: string, expiresAt: Date): Promise<boolean> {
    // The primary key decides between concurrent receivers: exactly one insert wins.
    const r = await this.sql.query(
      `INSERT INTO seen_nonces (partner, nonce, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (partner, nonce) DO NOTHING`,
      [partner, nonce, expiresAt.toISOString()],
    );
    return r.rowCount === 1;
  }

  async purge(now: Date): Promise<number> {
    const r = await this.sql.query("DELETE FROM seen_nonces WHERE expires_at < $1", [now.toISOString()]);
    return r.rowCount;
  }
}

/**
 * Purges every `everyMs` (default one minute) until stopped. The timer does not keep the process
 * alive; a failed purge is reported to `onError` and retried at the next tick.
 */
export function schedulePurge(
  store: NonceStore,
  opts: { everyMs?: number; clock?: () => Date; onError?: (e: unknown) => void } = {},
): { stop(): void } {
  const clock = opts.clock ?? (() => new Date());
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    store
      .purge(clock())
      .catch((e: unknown) => opts.onError?.(e))
      .finally(() => {
        running = false;
      });
  }, opts.everyMs ?? 60_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
