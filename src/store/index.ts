// Public surface of the store: the database port, migrations, and one repository per record kind.
export {
  type ActionError,
  type ActionQuery,
  completeAction,
  decideAction,
  getAction,
  listActions,
  type NewAction,
  proposeAction,
} from "./actions-repo.js";
export {
  type AlertQuery,
  getAlert,
  linkAlertToIncident,
  listAlerts,
  MAX_ALERT_EVENT_IDS,
  type RuleMatch,
  recordMatch,
} from "./alerts-repo.js";
export {
  type Database,
  inTransaction,
  isDatabase,
  type OpenDatabaseOptions,
  openDatabase,
  type Sql,
  StoreError,
  type Tx,
} from "./database.js";
export { getEvent, getEvents, insertEvents, type NewEvent, type StoredEvent } from "./events-repo.js";
export {
  createIncident,
  getIncident,
  type IncidentPatch,
  type IncidentQuery,
  type IncidentUpdateError,
  listIncidents,
  type NewIncident,
  updateIncident,
} from "./incidents-repo.js";
export {
  loadMigrations,
  type MigrateOptions,
  type MigrateReport,
  type Migration,
  migrate,
  migrationsDir,
} from "./migrate.js";
export {
  decodeSeqCursor,
  decodeTimeCursor,
  encodeSeqCursor,
  encodeTimeCursor,
  MAX_PAGE,
  type Page,
  pageSize,
  type TimeKey,
  toPage,
  Where,
} from "./page.js";
export { deleteState, getState, listState, putState } from "./state-repo.js";
export {
  addComment,
  addTimelineEntry,
  listTimeline,
  type NewTimelineEntry,
  type TimelineQuery,
} from "./timeline-repo.js";
export {
  authenticate,
  createToken,
  LAST_USED_RESOLUTION_MS,
  listTokens,
  type NewToken,
  revokeToken,
  TOKEN_PREFIX,
  type TokenInfo,
} from "./tokens-repo.js";
export { isUuid, jsonParam, sqlState, textParam } from "./values.js";
