// Public surface of syslog ingest: RFC 5424 / RFC 3164 parsing, TCP framing, UDP and TCP listeners.
export { type FrameItem, SyslogFrameDecoder } from "./framing.js";
export {
  type SyslogListener,
  type SyslogListenerOptions,
  type SyslogProblem,
  startSyslog,
} from "./listener.js";
export { parseSyslog } from "./parse.js";
export { FACILITIES, SEVERITIES } from "./priority.js";
export { parseRfc3164, type Rfc3164Options } from "./rfc3164.js";
export { formatRfc5424, parseRfc5424, type Rfc5424Message, type StructuredData } from "./rfc5424.js";
