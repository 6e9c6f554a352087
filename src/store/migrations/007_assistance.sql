-- Mutual assistance requests: the state both nodes agree on, and every signed event that made it.
CREATE TABLE assistance_requests (
  id         text        PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 100),
  from_node  text        NOT NULL,
  to_node    text        NOT NULL,
  status     text        NOT NULL CHECK (status IN ('requested', 'acknowledged', 'accepted', 'declined', 'closed')),
  crisis     text        NOT NULL CHECK (crisis IN ('normal', 'elevated', 'crisis', 'military')),
  state      jsonb       NOT NULL CHECK (jsonb_typeof(state) = 'object'),
  seq        integer     NOT NULL CHECK (seq >= 1),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX assistance_open ON assistance_requests (status, created_at DESC);

CREATE TABLE assistance_events (
  request_id text        NOT NULL REFERENCES assistance_requests (id) ON DELETE CASCADE,
  seq        integer     NOT NULL,
  kind       text        NOT NULL,
  at         timestamptz NOT NULL,
  event      jsonb       NOT NULL,
  -- delivered to the other node (the sender's view); inbound events are delivered by definition
  delivered  boolean     NOT NULL DEFAULT false,
  PRIMARY KEY (request_id, seq)
);
