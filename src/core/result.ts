// Expected failures are values: a Result carries either the value or precise problems with stable codes.

export type Ok<T> = { readonly ok: true; readonly value: T };
export type Err<E> = { readonly ok: false; readonly error: E };
export type Result<T, E> = Ok<T> | Err<E>;

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });
export const err = <E>(error: E): Err<E> => ({ ok: false, error });

/** A problem found at a boundary (a rule file, an event, a config), located as precisely as known. */
export interface Problem {
  readonly code: string;
  readonly message: string;
  readonly path?: string;
  readonly line?: number;
}
