// The perimeter's public surface: block decisions, the bouncers that enforce them, and the
// CrowdSec-compatible Local API they poll.
export {
  addBouncer,
  BOUNCER_NAME,
  type Bouncer,
  bouncerByKey,
  deleteBouncer,
  hashApiKey,
  listBouncers,
  type NewBouncer,
} from "./bouncers.js";
export {
  activeDecisions,
  addDecision,
  type Decision,
  decisionTarget,
  deleteDecision,
  expireDecisions,
  getDecision,
  type ListOptions,
  listDecisions,
  type NewDecision,
} from "./decisions.js";
export { formatGoDuration, goDurationFromMs, parseGoDuration } from "./go-duration.js";
export { LAPI_PREFIXES, type LapiDeps, lapiRoutes } from "./lapi.js";
export {
  expandRange,
  type LapiDecision,
  MAX_EXPANDED_ADDRESSES,
  parseStreamFilters,
  type StreamFilters,
  tooWideToExpand,
  toWire,
} from "./lapi-format.js";
export {
  type LapiReply,
  type LapiRequest,
  queryDecisions,
  type StreamBody,
  type StreamRequest,
  streamDecisions,
} from "./stream.js";
