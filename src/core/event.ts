// The security event as every capability sees it: a JSON object, plus where it came from.

/** A JSON value as parsed from a log line. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * Where an event belongs in Sigma's logsource taxonomy. Derived by a mapping pipeline from the
 * event itself (channel, event id, provider...). `categories` is a set because one Windows event
 * can be several Sigma categories at once (Sysmon 13 is `registry_set` and `registry_event`).
 */
export interface LogSource {
  readonly product?: string;
  readonly service?: string;
  readonly categories: readonly string[];
}

/** Where an event was read: a file and its 1-based line (or record number for binary logs). */
export interface EventOrigin {
  readonly file: string;
  readonly line: number;
}

/**
 * An event after a mapping pipeline: flat Sigma field names (nested objects stay reachable by
 * dotted path), its logsource for rule routing, and its time (epoch ms) when the event has one.
 */
export interface MappedEvent {
  readonly fields: JsonObject;
  readonly logsource: LogSource;
  readonly time: number | undefined;
  /**
   * Fields a mapping reads through instead of writing into `fields` (a borrowed event's copies of
   * other fields, such as Computer from Hostname): name -> its value in `fields`. Readers of a
   * field look here first, and read the field itself where the alias gives undefined;
   * `copyFields` (detect/mappings) writes them into a copy.
   */
  readonly aliases?: FieldAliases | undefined;
}

/** See MappedEvent.aliases. One map serves every event a pipeline maps. */
export type FieldAliases = ReadonlyMap<string, (fields: JsonObject) => JsonValue | undefined>;

/**
 * The interned copy of a field name: V8 keeps one string per content for property names, so a
 * keyed lookup with it needs no hashing of the name, and a Map probe or a comparison with a key
 * from `for...in` (interned too) compares pointers. Names read from rule and mapping files are
 * not interned; their matchers intern them once, when compiled.
 */
export function internName(name: string): string {
  const o: Record<string, true> = {};
  o[name] = true;
  return Object.keys(o)[0] ?? name;
}
