-- SOC state: stored events that alerts point to, alerts, incidents and their timeline,
-- remediation actions, API tokens, key/value state. Enumerations are CHECKed here so a bad
-- value fails at the database even if a caller skipped validation.

CREATE TABLE events (
  id          uuid        PRIMARY KEY,
  received_at timestamptz NOT NULL,
  source      text        NOT NULL,
  raw         jsonb       NOT NULL CHECK (jsonb_typeof(raw) = 'object'),
  -- Where the event sits in the append-only segment log, when it came through it.
  log_offset  bigint      CHECK (log_offset >= 0)
);
CREATE INDEX events_received_at ON events (received_at);

CREATE TABLE incidents (
  id                        uuid        PRIMARY KEY,
  title                     text        NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
  description               text        NOT NULL DEFAULT '',
  status                    text        NOT NULL
    CHECK (status IN ('new', 'triage', 'contained', 'eradicated', 'recovered', 'closed')),
  severity                  text        NOT NULL
    CHECK (severity IN ('informational', 'low', 'medium', 'high', 'critical')),
  assignee                  text,
  classification_level      text        NOT NULL
    CHECK (classification_level IN ('unclassified', 'restricted', 'confidential', 'secret', 'top-secret')),
  -- Empty: no caveat. ['FR']: releasable to FR nationals only.
  releasable_to             text[]      NOT NULL DEFAULT '{}',
  tlp                       text        NOT NULL CHECK (tlp IN ('clear', 'green', 'amber', 'amber+strict', 'red')),
  rsit                      text        NOT NULL CHECK (rsit IN (
    'abusive-content', 'malicious-code', 'information-gathering', 'intrusion-attempts', 'intrusions',
    'availability', 'information-content-security', 'fraud', 'vulnerable', 'other', 'test')),
  techniques                text[]      NOT NULL DEFAULT '{}',
  affected_services         text[]      NOT NULL DEFAULT '{}',
  affected_countries        text[]      NOT NULL DEFAULT '{}',
  observables               jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(observables) = 'array'),
  nis2_significant          boolean     NOT NULL DEFAULT false,
  nis2_malicious_suspected  boolean     NOT NULL DEFAULT false,
  nis2_cross_border_impact  boolean     NOT NULL DEFAULT false,
  aware_at                  timestamptz NOT NULL,
  early_warning_at          timestamptz,
  notification_at           timestamptz,
  final_report_at           timestamptz,
  created_at                timestamptz NOT NULL,
  updated_at                timestamptz NOT NULL,
  version                   integer     NOT NULL DEFAULT 1 CHECK (version >= 1)
);
-- Listing is newest first, optionally by status / severity / assignee.
CREATE INDEX incidents_created ON incidents (created_at DESC, id DESC);
CREATE INDEX incidents_status_created ON incidents (status, created_at DESC, id DESC);
CREATE INDEX incidents_severity_created ON incidents (severity, created_at DESC, id DESC);
CREATE INDEX incidents_assignee_created ON incidents (assignee, created_at DESC, id DESC) WHERE assignee IS NOT NULL;
-- NIS2 deadline sweeps look only at significant incidents.
CREATE INDEX incidents_nis2_open ON incidents (aware_at) WHERE nis2_significant AND status <> 'closed';

CREATE TABLE alerts (
  id          uuid        PRIMARY KEY,
  rule_id     text        NOT NULL,
  rule_title  text        NOT NULL,
  severity    text        NOT NULL
    CHECK (severity IN ('informational', 'low', 'medium', 'high', 'critical')),
  tags        text[]      NOT NULL DEFAULT '{}',
  techniques  text[]      NOT NULL DEFAULT '{}',
  entity      text        NOT NULL DEFAULT '',
  first_seen  timestamptz NOT NULL,
  last_seen   timestamptz NOT NULL CHECK (last_seen >= first_seen),
  count       integer     NOT NULL DEFAULT 1 CHECK (count >= 1),
  -- The first matching events only (bounded by the writer); count keeps the true total.
  event_ids   text[]      NOT NULL DEFAULT '{}',
  correlation jsonb,
  incident_id uuid        REFERENCES incidents (id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL
);
-- Deduplication finds the latest alert of a rule + entity.
CREATE INDEX alerts_dedup ON alerts (rule_id, entity, last_seen DESC);
CREATE INDEX alerts_created ON alerts (created_at DESC, id DESC);
CREATE INDEX alerts_rule_created ON alerts (rule_id, created_at DESC, id DESC);
CREATE INDEX alerts_severity_created ON alerts (severity, created_at DESC, id DESC);
CREATE INDEX alerts_incident ON alerts (incident_id, created_at DESC, id DESC) WHERE incident_id IS NOT NULL;

-- Which alerts an incident was built from (an alert may feed several incidents over time;
-- alerts.incident_id is the current one).
CREATE TABLE incident_alerts (
  incident_id uuid        NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  alert_id    uuid        NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  linked_at   timestamptz NOT NULL,
  linked_by   text        NOT NULL,
  PRIMARY KEY (incident_id, alert_id)
);
CREATE INDEX incident_alerts_alert ON incident_alerts (alert_id);

CREATE TABLE timeline (
  seq         bigserial   PRIMARY KEY,
  incident_id uuid        NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  at          timestamptz NOT NULL,
  actor       text        NOT NULL,
  kind        text        NOT NULL CHECK (kind ~ '^[a-z][a-z0-9-]*$'),
  details     jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(details) = 'object')
);
CREATE INDEX timeline_incident ON timeline (incident_id, seq);

CREATE TABLE actions (
  id          uuid        PRIMARY KEY,
  incident_id uuid        REFERENCES incidents (id) ON DELETE SET NULL,
  alert_id    uuid        REFERENCES alerts (id) ON DELETE SET NULL,
  playbook    text,
  kind        text        NOT NULL
    CHECK (kind IN ('block-ip', 'block-range', 'disable-account', 'isolate-host', 'webhook')),
  target      text        NOT NULL,
  params      jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(params) = 'object'),
  state       text        NOT NULL CHECK (state IN ('proposed', 'approved', 'rejected', 'executed', 'failed')),
  decided_by  text,
  reason      text,
  result      text,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  -- A decided action names who decided it.
  CHECK (state = 'proposed' OR decided_by IS NOT NULL)
);
CREATE INDEX actions_incident ON actions (incident_id, created_at DESC, id DESC) WHERE incident_id IS NOT NULL;
CREATE INDEX actions_state ON actions (state, created_at DESC, id DESC);

CREATE TABLE tokens (
  id           uuid        PRIMARY KEY,
  name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  role         text        NOT NULL CHECK (role IN (
    'admin', 'analyst', 'responder', 'crisis-officer', 'auditor', 'partner', 'read-only')),
  clearance    text        NOT NULL
    CHECK (clearance IN ('unclassified', 'restricted', 'confidential', 'secret', 'top-secret')),
  nationality  text        NOT NULL CHECK (nationality ~ '^[A-Z]{2}$'),
  -- sha256 of the secret, hex. The secret itself is never stored.
  secret_hash  text        NOT NULL UNIQUE CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
  created_at   timestamptz NOT NULL,
  revoked_at   timestamptz,
  last_used_at timestamptz
);

-- Small named state: detection cursors, correlation windows, feature flags.
CREATE TABLE state (
  key        text        PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 500),
  value      jsonb       NOT NULL,
  updated_at timestamptz NOT NULL
);
