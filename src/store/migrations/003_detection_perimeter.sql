-- Detection bookkeeping and perimeter decisions.

-- Batches of the shared queue (JetStream) whose detection committed: a batch redelivered after a
-- crash between commit and acknowledgement is recognised and skipped, so no alert is doubled.
CREATE TABLE detection_batches (
  id text        PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 300),
  at timestamptz NOT NULL
);
CREATE INDEX detection_batches_at ON detection_batches (at);

-- Block decisions for the perimeter: made by approved playbook actions, by hand, or (later) from
-- partners' shared indicators. Bouncers read them as a stream (new since, deleted since).
CREATE TABLE decisions (
  id          uuid        PRIMARY KEY,
  seq         bigserial   UNIQUE,
  -- 'ip' for one address, 'range' for a CIDR block.
  scope       text        NOT NULL CHECK (scope IN ('ip', 'range')),
  value       text        NOT NULL CHECK (length(value) BETWEEN 2 AND 64),
  kind        text        NOT NULL DEFAULT 'ban' CHECK (kind IN ('ban', 'captcha')),
  origin      text        NOT NULL,
  scenario    text        NOT NULL,
  reason      text        NOT NULL DEFAULT '',
  action_id   uuid        REFERENCES actions (id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL,
  until       timestamptz NOT NULL CHECK (until > created_at),
  deleted_at  timestamptz,
  deleted_seq bigint
);
CREATE INDEX decisions_active ON decisions (value) WHERE deleted_at IS NULL;
CREATE INDEX decisions_deleted_seq ON decisions (deleted_seq) WHERE deleted_seq IS NOT NULL;
