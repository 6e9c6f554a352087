// Errors as RFC 9457 problem documents: a stable machine `code`, a human `detail`, and per-field
// `errors` when a schema rejected the input.
import type { z } from "zod";

export interface FieldError {
  readonly path: string;
  readonly code: string;
  readonly message: string;
}

export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly errors?: readonly FieldError[];
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** An expected failure a handler returns or throws to end the request with a problem document. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors?: readonly FieldError[],
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(detail);
  }

  body(): ProblemBody {
    return {
      type: `https://corridor.example/problems/${this.code}`,
      title: TITLES[this.status] ?? "Error",
      status: this.status,
      code: this.code,
      detail: this.detail,
      ...(this.errors && this.errors.length > 0 ? { errors: this.errors } : {}),
    };
  }
}

/** zod issues as field errors with a dotted path ("body.observables.0.value"). */
export function fieldErrors(where: string, error: z.ZodError): FieldError[] {
  return error.issues.map((i) => ({
    path: [where, ...i.path.map(String)].join("."),
    code: i.code,
    message: i.message,
  }));
}

export function invalid(where: string, error: z.ZodError): HttpProblem {
  const errors = fieldErrors(where, error);
  const first = errors[0];
  const detail = first ? `${first.path}: ${first.message}` : `invalid ${where}`;
  return new HttpProblem(400, `invalid-${where}`, detail, errors);
}
