// Public surface of signing and trust between nodes: node keys, signed envelopes, the replay
// cache and the pinned partners.
export {
  type Envelope,
  EnvelopeSchema,
  newEnvelope,
  newNonce,
  type SignedEnvelope,
  SignedEnvelopeSchema,
} from "./envelope.js";
export {
  DEFAULT_MAX_SKEW_MS,
  JWS_TYPE,
  type PinnedKey,
  signEnvelope,
  VERIFY_ERROR_CODES,
  type VerifyError,
  type VerifyErrorCode,
  type VerifyOptions,
  verifyEnvelope,
} from "./jws.js";
export {
  describePublicKey,
  formatFingerprint,
  generateKeyPair,
  keysDir,
  loadKeyPair,
  type NodeKeyPair,
  type PublicKeyInfo,
  parsePublicKey,
  publicKeyFingerprint,
  rawPublicKey,
  saveKeyPair,
} from "./keys.js";
export { DatabaseNonceStore, MemoryNonceStore, type NonceStore, schedulePurge } from "./nonce-store.js";
export {
  addPartner,
  getPartner,
  issueInboundToken,
  listPartners,
  type NewPartner,
  PARTNER_TOKEN_PREFIX,
  type Partner,
  partnerByInboundToken,
  pinnedKeys,
  removePartner,
  sealPartnerSecrets,
  setOutboundToken,
  setPartnerEnabled,
  setPartnerPolicy,
} from "./partners-repo.js";
export { isSealed, readSecret, SecretBox, secretContext } from "./secret-box.js";
