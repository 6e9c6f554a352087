import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { MemoryNonceStore, type NonceStore, schedulePurge } from "./nonce-store.js";

describe("replay cache", () => {
  it("admits a nonce once per partner until purged", async () => {
    const s = new MemoryNonceStore();
    const at = new Date("2026-01-01T00:05:00Z");
    assert.equal(await s.remember("de", "n1", at), true);
    assert.equal(await s.remember("de", "n1", at), false);
    assert.equal(await s.remember("it", "n1", at), true);
    assert.equal(await s.purge(new Date("2026-01-01T00:04:59Z")), 0);
    assert.equal(await s.purge(new Date("2026-01-01T00:05:01Z")), 2);
    assert.equal(s.size, 0);
  });

  it("schedulePurge purges on its own, survives a failing purge, and stops", async () => {
    let calls = 0;
    const errors: unknown[] = [];
    const store: NonceStore = {
      remember: async () => true,
      purge: async () => {
        calls++;
        if (calls === 1) throw new Error("database away");
        return 0;
      },
    };
    const job = schedulePurge(store, { everyMs: 10, onError: (e) => errors.push(e) });
    await sleep(80);
    job.stop();
    const after = calls;
    assert.ok(after >= 2, `purged ${after} times`);
    assert.equal(errors.length, 1);
    await sleep(40);
    assert.equal(calls, after, "no purge after stop");
  });
});
