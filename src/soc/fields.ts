// Reading event fields by Sigma name: a flat key first, then a dotted path into nested objects.
import type { JsonObject, JsonValue } from "../core/index.js";

export function fieldOf(event: JsonObject, name: string): JsonValue | undefined {
  if (Object.hasOwn(event, name)) return event[name];
  if (!name.includes(".")) return undefined;
  let at: JsonValue | undefined = event;
  for (const part of name.split(".")) {
    if (at === null || typeof at !== "object" || Array.isArray(at) || !Object.hasOwn(at, part))
      return undefined;
    at = at[part];
  }
  return at;
}

/**
 * A field's text when it carries a value. Windows writes "-" for "none" and "" is nothing either;
 * numbers count (ports, ids) but objects, arrays and booleans do not name an entity.
 */
export function textOf(event: JsonObject, name: string): string | undefined {
  const v = fieldOf(event, name);
  if (typeof v === "number") return String(v);
  if (typeof v !== "string") return undefined;
  const t = v.trim();
  return t === "" || t === "-" ? undefined : t;
}

/** The first of several fields that has a value. */
export function firstTextOf(event: JsonObject, names: readonly string[]): string | undefined {
  for (const n of names) {
    const t = textOf(event, n);
    if (t !== undefined) return t;
  }
  return undefined;
}

/** Where mapped events name the host that logged them (Windows, Beats/ECS, Defender, auditd). */
export const HOST_FIELDS = [
  "Computer",
  "ComputerName",
  "Hostname",
  "host.name",
  "host.hostname",
  "DeviceName",
  "node",
];

/** Where they name the account acting or acted on, most telling first. */
export const USER_FIELDS = [
  "TargetUserName",
  "User",
  "SubjectUserName",
  "Username",
  "UserPrincipalName",
  "userPrincipalName",
  "UserId",
  "Caller",
  "userIdentity.arn",
  "user.name",
  "AUID",
];

/** Where they name the remote address a connection or logon came from. */
export const SOURCE_IP_FIELDS = [
  "IpAddress",
  "SourceAddress",
  "src_ip",
  "sourceIPAddress",
  "callerIpAddress",
  "CallerIpAddress",
  "ClientIP",
  "ClientIp",
  "source.ip",
  "SourceIp",
];
