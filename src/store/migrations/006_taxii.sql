-- TAXII 2.1: collections with per-subject rights, versioned objects, add-object status resources.

CREATE TABLE taxii_collections (
  id          uuid        PRIMARY KEY,
  alias       text        UNIQUE CHECK (alias ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
  title       text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  description text        NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL
);

-- Who may read or write a collection: "role:<role>" (any token of that role) or "partner:<id>"
-- (a partner's token, whose name is the partner id).
CREATE TABLE taxii_access (
  collection_id uuid    NOT NULL REFERENCES taxii_collections (id) ON DELETE CASCADE,
  subject       text    NOT NULL CHECK (subject ~ '^(role|partner):[a-z0-9-]+$'),
  can_read      boolean NOT NULL,
  can_write     boolean NOT NULL,
  PRIMARY KEY (collection_id, subject)
);

-- One row per object version. date_added is in microseconds since the epoch, strictly increasing
-- across the table, so paging by added_after never skips or repeats an object.
CREATE TABLE taxii_objects (
  collection_id uuid   NOT NULL REFERENCES taxii_collections (id) ON DELETE CASCADE,
  object_id     text   NOT NULL CHECK (object_id ~ '^[a-z0-9-]+--[0-9a-f-]{36}$'),
  version       text   NOT NULL,
  -- the version as microseconds, for ordering versions; latest/first kept as flags so the
  -- default "latest version" listing is an index range scan however many objects there are
  version_us    bigint NOT NULL,
  is_latest     boolean NOT NULL,
  is_first      boolean NOT NULL,
  spec_version  text   NOT NULL,
  type          text   NOT NULL,
  date_added_us bigint NOT NULL UNIQUE,
  object        jsonb  NOT NULL CHECK (jsonb_typeof(object) = 'object'),
  PRIMARY KEY (collection_id, object_id, version)
);
CREATE INDEX taxii_objects_added ON taxii_objects (collection_id, date_added_us);
CREATE INDEX taxii_objects_latest ON taxii_objects (collection_id, date_added_us) WHERE is_latest;
CREATE INDEX taxii_objects_type ON taxii_objects (collection_id, type, date_added_us);

CREATE TABLE taxii_status (
  id                uuid        PRIMARY KEY,
  collection_id     uuid        NOT NULL REFERENCES taxii_collections (id) ON DELETE CASCADE,
  status            text        NOT NULL CHECK (status IN ('pending', 'complete')),
  request_timestamp timestamptz NOT NULL,
  total_count       integer     NOT NULL,
  successes         jsonb       NOT NULL DEFAULT '[]',
  failures          jsonb       NOT NULL DEFAULT '[]',
  pendings          jsonb       NOT NULL DEFAULT '[]',
  -- who asked: only they (and admins) may read it
  requested_by      text        NOT NULL
);

-- The clock for date_added: one row, advanced under lock.
CREATE TABLE taxii_clock (
  id      boolean PRIMARY KEY DEFAULT true CHECK (id),
  last_us bigint  NOT NULL
);
INSERT INTO taxii_clock (id, last_us) VALUES (true, 0);
