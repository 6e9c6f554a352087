-- The perimeter decision stream (CrowdSec LAPI compatible): why a decision ended, and the
-- bouncers that poll the stream, each with its cursor into the decisions' change sequence.

-- Additions take `seq` and deletions take `deleted_seq` from the same sequence (decisions_seq_seq),
-- so one number orders every change. Expiry is a deletion too, swept when bouncers poll.
ALTER TABLE decisions
  ADD COLUMN deleted_reason text CHECK (deleted_reason IN ('deleted', 'expired'));
-- Nothing deleted decisions before this migration; should a hand-edited row exist, number it.
UPDATE decisions SET deleted_seq = nextval(pg_get_serial_sequence('decisions', 'seq'))
  WHERE deleted_at IS NOT NULL AND deleted_seq IS NULL;
UPDATE decisions SET deleted_reason = 'deleted' WHERE deleted_at IS NOT NULL;
ALTER TABLE decisions
  ADD CONSTRAINT decisions_deleted_together CHECK (
    (deleted_at IS NULL AND deleted_seq IS NULL AND deleted_reason IS NULL)
    OR (deleted_at IS NOT NULL AND deleted_seq IS NOT NULL AND deleted_reason IS NOT NULL)
  );
CREATE UNIQUE INDEX decisions_deleted_seq_unique ON decisions (deleted_seq);
CREATE INDEX decisions_until_active ON decisions (until) WHERE deleted_at IS NULL;

-- Bouncers (firewall agents) authenticate with an API key shown once; only its SHA-256 is kept.
CREATE TABLE bouncers (
  id            uuid        PRIMARY KEY,
  name          text        NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$'),
  api_key_hash  text        NOT NULL UNIQUE CHECK (api_key_hash ~ '^[0-9a-f]{64}$'),
  -- Send ranges of up to 256 addresses as single addresses (nftables-mode bouncers truncate ranges).
  expand_ranges boolean     NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL,
  last_pull     timestamptz,
  -- The last change sequence number this bouncer has been sent (0: none yet).
  "cursor"      bigint      NOT NULL DEFAULT 0 CHECK ("cursor" >= 0),
  pulls         bigint      NOT NULL DEFAULT 0,
  user_agent    text
);
