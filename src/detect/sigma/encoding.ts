// The byte encodings behind base64, base64offset and utf16* modifiers. Encoded bytes are carried
// as "binary strings" (one char per byte) so they compose: `wide|base64offset` = UTF-16LE, then base64.

/** A value as bytes: text is UTF-8; a binary string (made by a utf16 modifier) is one byte a char. */
const bytesOf = (s: string, binary: boolean): Buffer => Buffer.from(s, binary ? "latin1" : "utf8");

export const encodeBase64 = (s: string, binary: boolean): string => bytesOf(s, binary).toString("base64");

/**
 * The three base64 forms a value takes at byte offsets 0, 1 and 2 of a longer encoded string,
 * with the characters that depend on neighbouring bytes cut off.
 */
export function encodeBase64Offset(s: string, binary: boolean): string[] {
  const raw = bytesOf(s, binary);
  const out: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const padded = Buffer.concat([Buffer.alloc(shift, 0x20), raw]);
    const enc = padded.toString("base64");
    const start = [0, 2, 3][shift]!;
    const endTrim = [0, 3, 2][(raw.length + shift) % 3]!;
    out.push(enc.slice(start, enc.length - endTrim));
  }
  return out;
}

/** UTF-16 bytes of a value as a binary string; `utf16` adds the little-endian byte order mark. */
export function encodeUtf16(s: string, form: "utf16le" | "utf16be" | "utf16"): string {
  const le = Buffer.from(s, "utf16le");
  if (form === "utf16be") {
    const be = Buffer.from(le);
    be.swap16();
    return be.toString("latin1");
  }
  return (form === "utf16" ? "\xff\xfe" : "") + le.toString("latin1");
}
