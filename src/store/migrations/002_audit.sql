-- The audit log: append-only and hash-chained (src/audit). Each row's hash covers its fields and
-- the previous row's hash; seq has no gaps, so a deleted row shows. The database refuses
-- UPDATE, DELETE and TRUNCATE so the application cannot rewrite history by mistake.

CREATE TABLE audit (
  seq       bigint      PRIMARY KEY CHECK (seq >= 1),
  at        timestamptz NOT NULL,
  actor     text        NOT NULL,
  action    text        NOT NULL,
  target    text,
  outcome   text        NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
  details   jsonb,
  prev_hash text        NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  hash      text        NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$')
);
CREATE INDEX audit_at ON audit (at);
CREATE INDEX audit_actor ON audit (actor, seq DESC);
CREATE INDEX audit_action ON audit (action, seq DESC);

-- The chain's head: one row, locked by each append, so concurrent writers queue up and the
-- chain never forks. Verification also compares it with the last row to notice a cut tail.
CREATE TABLE audit_head (
  id   boolean PRIMARY KEY DEFAULT true CHECK (id),
  seq  bigint  NOT NULL,
  hash text    NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (true, 0, repeat('0', 64));

CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_no_update_delete BEFORE UPDATE OR DELETE ON audit
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_head_no_delete BEFORE DELETE OR TRUNCATE ON audit_head
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
