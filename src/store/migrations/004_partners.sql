-- Partner nodes of the corridor and the replay cache of their signed envelopes.

-- One row per partner: where to reach it, the Ed25519 key pinned for it (compared out of band by
-- fingerprint), what it may receive (the sharing policy), and the tokens each side presents.
CREATE TABLE partners (
  id                 text        PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,31}$'),
  name               text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  jurisdiction       text        NOT NULL CHECK (jurisdiction ~ '^[A-Z]{2}$'),
  -- Their TAXII/API root, e.g. http://127.0.0.1:8442.
  base_url           text        NOT NULL CHECK (base_url ~ '^https?://'),
  -- PEM (SPKI) of their Ed25519 public key.
  public_key         text        NOT NULL,
  kid                text        NOT NULL CHECK (kid ~ '^[0-9a-f]{16}$'),
  fingerprint        text        NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
  added_at           timestamptz NOT NULL,
  -- The per-partner sharing policy (share/policy PartnerPolicySchema); holds the pseudonym key.
  policy             jsonb,
  -- sha256 (hex) of the token THEY present when calling us; the token itself is never stored.
  inbound_token_hash text        UNIQUE CHECK (inbound_token_hash ~ '^[0-9a-f]{64}$'),
  -- The token WE present when calling them, as they issued it: needed in clear to be sent.
  outbound_token     text,
  enabled            boolean     NOT NULL DEFAULT true
);

-- Nonces of accepted envelopes, kept until the envelope would be stale anyway.
CREATE TABLE seen_nonces (
  partner    text        NOT NULL,
  nonce      text        NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (partner, nonce)
);
CREATE INDEX seen_nonces_expires_at ON seen_nonces (expires_at);
