// A route declares everything about itself: method, path, who may call it, what it accepts and
// answers. The HTTP app, the OpenAPI document and the role x route test are all derived from this.
import type { z } from "zod";
import type { Principal, Role } from "../core/index.js";

export type Method = "get" | "post" | "put" | "patch" | "delete";

/** What a handler returns: a status, a JSON body (or raw text), and headers. */
export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly text?: string;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Call<S, P, Q, B> {
  readonly services: S;
  /** The caller; routes declared `public` get `undefined`. */
  readonly principal: Principal | undefined;
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly raw: Request;
  readonly requestId: string;
}

export interface ResponseSpec {
  readonly description: string;
  readonly schema?: z.ZodType;
  readonly contentType?: string;
}

export interface Route<S, P = unknown, Q = unknown, B = unknown> {
  readonly method: Method;
  /** Hono-style path with `:param` segments. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly tag: string;
  /** Roles allowed to call; "public" routes need no token (health, metrics, OpenAPI). */
  readonly roles: readonly Role[] | "public";
  readonly params?: z.ZodType<P>;
  readonly query?: z.ZodType<Q>;
  /** A JSON body schema, or "raw" when the handler reads the bytes itself (event ingest). */
  readonly body?: z.ZodType<B> | { readonly raw: string };
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  readonly handle: (call: Call<S, P, Q, B>) => Promise<Reply>;
}

// biome-ignore lint/suspicious/noExplicitAny: a route list holds routes of any parameter types
export type AnyRoute<S> = Route<S, any, any, any>;

/**
 * `const route = routeFor<Services>()`, then `route({...})` types the handler's params, query and
 * body from the schemas given (TypeScript cannot infer some type arguments and fix others).
 */
export const routeFor =
  <S>() =>
  <P = Record<string, never>, Q = Record<string, never>, B = undefined>(
    r: Route<S, P, Q, B>,
  ): Route<S, P, Q, B> =>
    r;

export const ALL_ROLES: readonly Role[] = [
  "admin",
  "analyst",
  "responder",
  "crisis-officer",
  "auditor",
  "partner",
  "read-only",
];
