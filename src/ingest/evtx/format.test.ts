// Text forms of Windows binary types, checked against the forms evtx_dump prints.
import assert from "node:assert/strict";
import { test } from "node:test";
import { crc32 } from "./crc32.js";
import { filetime, guid, hex64, real32, real64, sid, systemtime } from "./format.js";
import { decodeUtf16 } from "./reader.js";

const view = (hex: string): [Uint8Array, DataView] => {
  const b = new Uint8Array(Buffer.from(hex.replace(/ /g, ""), "hex"));
  return [b, new DataView(b.buffer)];
};

test("FILETIME: microseconds, truncated; out-of-range years are refused", () => {
  const [, dv] = view("0d 21 74 f1 43 b8 dc 01");
  assert.equal(filetime(dv, 0), "2026-03-20T08:31:26.751156Z");
  assert.equal(filetime(view("00 00 00 00 00 00 00 00")[1], 0), "1601-01-01T00:00:00.000000Z");
  assert.equal(filetime(view("ff ff ff ff ff ff ff ff")[1], 0), undefined);
});

test("SYSTEMTIME: milliseconds as microseconds; all-zero is 1601; impossible dates are refused", () => {
  assert.equal(
    systemtime(view("e9 07 0b 00 04 00 1b 00 07 00 28 00 0a 00 a5 00")[1], 0),
    "2025-11-27T07:40:10.165000Z",
  );
  assert.equal(systemtime(view("00".repeat(16))[1], 0), "1601-01-01T00:00:00.000000Z");
  assert.equal(
    systemtime(view("32 00 01 00 00 00 01 00 00 00 00 00 00 00 00 00")[1], 0),
    "0050-01-01T00:00:00.000000Z",
  );
  assert.equal(systemtime(view("e9 07 02 00 00 00 1e 00 00 00 00 00 00 00 00 00")[1], 0), undefined);
});

test("GUID, SID and 64-bit hex", () => {
  assert.equal(
    guid(view("5f 38 70 57 2a c2 e0 43 bf 4c 06 f5 69 8f fb d9")[0], 0),
    "5770385F-C22A-43E0-BF4C-06F5698FFBD9",
  );
  const [b, dv] = view("01 01 00 00 00 00 00 05 12 00 00 00");
  assert.equal(sid(dv, b, 0, b.length), "S-1-5-18");
  assert.equal(hex64(view("00 00 00 00 00 00 00 80")[1], 0), "0x8000000000000000");
  assert.equal(hex64(view("4c 31 03 00 00 00 00 00")[1], 0), "0x3314c");
});

test("floats print as the shortest round-trip text, Rust style", () => {
  assert.equal(real64(1), "1.0");
  assert.equal(real64(0.1), "0.1");
  assert.equal(real64(1e21), "1e21");
  assert.equal(real32(Math.fround(0.1)), "0.1");
  assert.equal(real32(Math.fround(3.4e38)), "3.4e38");
});

test("UTF-16LE stops at NUL and turns lone surrogates into U+FFFD", () => {
  const b = Buffer.from("hé\u{1F600}\0tail", "utf16le");
  assert.equal(decodeUtf16(b, 0, b.length / 2), "hé\u{1F600}");
  assert.equal(decodeUtf16(Buffer.from([0x3d, 0xd8, 0x41, 0x00]), 0, 2), "\uFFFDA");
  const long = "x".repeat(100);
  assert.equal(decodeUtf16(Buffer.from(long, "utf16le"), 0, 100), long);
});

test("CRC32 is the IEEE polynomial", () => {
  assert.equal(crc32(new Uint8Array(Buffer.from("123456789")), 0, 9), 0xcbf43926);
});
