// A TAXII 2.1 client for pulling a partner's collection from a cursor (following `next` when the
// server gives one, else `added_after` from X-TAXII-Date-Added-Last) and pushing to its inbox.
import { TAXII_MEDIA_TYPE } from "./server.js";

export interface TaxiiClientOptions {
  /** The server's root, e.g. http://127.0.0.1:8442 (discovery is at /taxii2/). */
  readonly baseUrl: string;
  /** Sent as a bearer token. */
  readonly token: string;
  readonly timeoutMs?: number;
}

export class TaxiiHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    super(`${what}: HTTP ${status} ${JSON.stringify(body).slice(0, 300)}`);
  }
}

export interface PulledPage {
  readonly objects: readonly Record<string, unknown>[];
  /** The page as received and its headers (to check a signature over it). */
  readonly body: Record<string, unknown>;
  readonly headers: Headers;
  /** The cursor to resume from after this page (X-TAXII-Date-Added-Last), when the page had objects. */
  readonly cursor: string | undefined;
}

export class TaxiiClient {
  constructor(private readonly o: TaxiiClientOptions) {}

  private async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(new URL(path, this.o.baseUrl), {
      method,
      headers: {
        accept: TAXII_MEDIA_TYPE,
        authorization: `Bearer ${this.o.token}`,
        ...(body !== undefined ? { "content-type": TAXII_MEDIA_TYPE } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
    });
    const text = await res.text();
    const json = text === "" ? {} : (JSON.parse(text) as Record<string, unknown>);
    if (!res.ok) throw new TaxiiHttpError(res.status, json, `${method} ${path}`);
    return { json, headers: res.headers };
  }

  async discovery(): Promise<Record<string, unknown>> {
    return (await this.request("GET", "/taxii2/")).json;
  }

  async collections(
    root = "/taxii2/api/",
  ): Promise<{ id: string; alias?: string; can_read: boolean; can_write: boolean }[]> {
    const { json } = await this.request("GET", `${root}collections/`);
    return (json.collections ?? []) as {
      id: string;
      alias?: string;
      can_read: boolean;
      can_write: boolean;
    }[];
  }

  /** Every object version added after `addedAfter`, page by page. */
  async *pull(
    collectionId: string,
    opts: { addedAfter?: string; limit?: number; root?: string } = {},
  ): AsyncGenerator<PulledPage> {
    const root = opts.root ?? "/taxii2/api/";
    const limit = opts.limit ?? 500;
    let next: string | undefined;
    let after = opts.addedAfter;
    for (;;) {
      const q = new URLSearchParams({ limit: String(limit), "match[version]": "all" });
      if (next) q.set("next", next);
      if (after) q.set("added_after", after);
      const { json, headers } = await this.request("GET", `${root}collections/${collectionId}/objects/?${q}`);
      const objects = (json.objects ?? []) as Record<string, unknown>[];
      const last = headers.get("x-taxii-date-added-last") ?? undefined;
      yield { objects, cursor: last, body: json, headers };
      if (json.more !== true) return;
      if (typeof json.next === "string" && json.next !== "") next = json.next;
      else if (last) {
        next = undefined;
        after = last;
      } else return; // more without any way forward: stop rather than loop
    }
  }

  /** Adds objects to a collection; answers the server's status resource. */
  async push(
    collectionId: string,
    objects: readonly unknown[],
    opts: { root?: string; headers?: Record<string, string>; body?: string } = {},
  ): Promise<Record<string, unknown>> {
    const root = opts.root ?? "/taxii2/api/";
    const { json } = await this.request(
      "POST",
      `${root}collections/${collectionId}/objects/`,
      opts.body ?? { objects },
      opts.headers,
    );
    return json;
  }
}
