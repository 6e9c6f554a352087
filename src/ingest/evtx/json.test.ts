// Layout rules of evtx_dump JSON on synthetic records: typed values, Qualifiers, positional Data,
// Binary, UserData with repeated names, optional substitutions, attributes with text.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { JsonObject } from "../../core/index.js";
import { chunk, file, type Sub, sub, type Tpl } from "./fixture.js";
import { readEvtx } from "./index.js";

const el = (name: string, children: Tpl[] = [], attrs: [string, Tpl[]][] = []): Tpl => ({
  el: name,
  children,
  attrs,
});
const s = (n: number, optional = false): Tpl => ({ sub: n, optional });

function render(template: Tpl, values: Sub[]): JsonObject {
  const items = [...readEvtx(file([chunk([[template, values]])]))];
  assert.equal(items.length, 1, JSON.stringify(items));
  const item = items[0]!;
  assert.equal(item.kind, "record", JSON.stringify(item));
  return item.kind === "record" ? item.event : {};
}

const bytes = (hex: string): number[] => [...Buffer.from(hex.replace(/ /g, ""), "hex")];

test("a classic event: Qualifiers, positional Data from a string array, Binary, typed System values", () => {
  const template = el(
    "Event",
    [
      el("System", [
        el("Provider", [], [["Name", [{ text: "EventLog" }]]]),
        el("EventID", [s(0)], [["Qualifiers", [s(1)]]]),
        el("Keywords", [s(2)]),
        el("TimeCreated", [], [["SystemTime", [s(3)]]]),
        el("Correlation", [], [["ActivityID", [s(4, true)]]]),
        el("Security", [], [["UserID", [s(5)]]]),
      ]),
      el("EventData", [el("Data", [s(6)]), el("Binary", [s(7)])]),
    ],
    [["xmlns", [{ text: "http://schemas.microsoft.com/win/2004/08/events/event" }]]],
  );
  const event = render(template, [
    sub.u16(6009),
    sub.u16(32768),
    sub.raw(0x15, bytes("00 00 00 00 00 00 80 00")),
    sub.raw(0x11, bytes("00 40 6d 25 eb 53 bf 01")),
    sub.null(),
    sub.raw(
      0x13,
      bytes("01 05 00 00 00 00 00 05 15 00 00 00 01 02 00 00 03 04 00 00 05 06 00 00 f4 01 00 00"),
    ),
    sub.strings(["10.00.", "15063", "", "Multiprocessor Free"]),
    sub.raw(0x0e, []),
  ]);
  assert.deepStrictEqual(event, {
    Event: {
      "#attributes": { xmlns: "http://schemas.microsoft.com/win/2004/08/events/event" },
      System: {
        Provider: { "#attributes": { Name: "EventLog" } },
        EventID: { "#attributes": { Qualifiers: 32768 }, "#text": 6009 },
        Keywords: "0x80000000000000",
        TimeCreated: { "#attributes": { SystemTime: "2000-01-01T00:00:00.000000Z" } },
        Correlation: null,
        Security: { "#attributes": { UserID: "S-1-5-21-513-1027-1541-500" } },
      },
      EventData: { Data: { "#text": ["10.00.", "15063", "", "Multiprocessor Free"] }, Binary: null },
    },
  });
});

test("named Data flattens to Name: value; empty values are empty strings; numbers stay numbers", () => {
  const data = (name: string, n: number): Tpl => el("Data", [s(n, true)], [["Name", [{ text: name }]]]);
  const template = el("Event", [
    el("EventData", [
      data("Guid", 0),
      data("When", 1),
      data("Flag", 2),
      data("Big", 3),
      data("Ratio", 4),
      data("Mask", 5),
      data("Size", 6),
      data("Blob", 7),
      data("Empty", 8),
      data("Small", 9),
      el("Data", [{ text: "unnamed is dropped" }]),
    ]),
  ]);
  const event = render(template, [
    sub.raw(0x0f, bytes("5f 38 70 57 2a c2 e0 43 bf 4c 06 f5 69 8f fb d9")),
    sub.raw(0x12, bytes("e9 07 0b 00 04 00 1b 00 07 00 28 00 0a 00 a5 00")),
    sub.raw(0x0d, bytes("01 00 00 00")),
    sub.raw(0x09, bytes("ff ff ff ff ff ff ff ff")),
    sub.raw(0x0c, bytes("00 00 00 00 00 00 f8 3f")),
    sub.raw(0x14, bytes("4c 31 03 00")),
    sub.raw(0x10, bytes("58 08 00 00 00 00 00 00")),
    sub.raw(0x0e, bytes("de ad be ef")),
    sub.string(""),
    sub.raw(0x04, [7]),
  ]);
  assert.deepStrictEqual(event, {
    Event: {
      EventData: {
        Guid: "5770385F-C22A-43E0-BF4C-06F5698FFBD9",
        When: "2025-11-27T07:40:10.165000Z",
        Flag: true,
        Big: -1,
        Ratio: "1.5",
        Mask: "0x3314c",
        Size: "0x858",
        Blob: "DEADBEEF",
        Empty: "",
        Small: 7,
      },
    },
  });
});

test("one unnamed Data is a scalar #text; string values lose trailing white space", () => {
  const event = render(el("Event", [el("EventData", [el("Data", [s(0)])])]), [sub.string("only one \r\n")]);
  assert.deepStrictEqual(event, { Event: { EventData: { Data: { "#text": "only one" } } } });
});

test("UserData nests elements; repeated names get _1, _2; attributes with text get #text", () => {
  const header = (n: number): Tpl => el("Header", [s(n)]);
  const template = el("Event", [
    el("UserData", [
      el(
        "Operation",
        [
          el("URL", [s(0)], [["scheme", [{ text: "http" }]]]),
          el("Headers", [header(1), header(2), header(3)]),
          el("Timeout", [s(4, true)]),
          el("Note", [{ text: "a " }, s(5), { text: " b" }]),
        ],
        [["xmlns", [{ text: "urn:x" }]]],
      ),
    ]),
  ]);
  const event = render(template, [
    sub.string("http://crl.example/x.crl"),
    sub.string("GET / HTTP/1.1"),
    sub.string("Accept: */*"),
    sub.string("Connection: close"),
    sub.string(""),
    sub.u32(42),
  ]);
  assert.deepStrictEqual(event, {
    Event: {
      UserData: {
        Operation: {
          "#attributes": { xmlns: "urn:x" },
          URL: { "#attributes": { scheme: "http" }, "#text": "http://crl.example/x.crl" },
          Headers: { Header: "GET / HTTP/1.1", Header_1: "Accept: */*", Header_2: "Connection: close" },
          Timeout: null,
          Note: "a 42 b",
        },
      },
    },
  });
});

test("an integer array repeats its element with numbers; a one-item array stays text", () => {
  const template = el("Event", [el("EventData", [el("Port", [s(0)]), el("Single", [s(1)])])]);
  const event = render(template, [
    sub.raw(0x88, bytes("50 00 00 00 bb 01 00 00")),
    sub.raw(0x88, bytes("16 00 00 00")),
  ]);
  assert.deepStrictEqual(event, { Event: { EventData: { Port: 80, Port_1: 443, Single: "22" } } });
});

test("record id and written time come from the record header", () => {
  const items = [...readEvtx(file([chunk([[el("Event"), []]], 41)]))];
  assert.equal(items.length, 1);
  const item = items[0]!;
  assert.ok(item.kind === "record");
  assert.equal(item.recordId, 41);
  assert.equal(item.written, "2000-01-01T00:00:00.000000Z");
  assert.deepStrictEqual(item.event, { Event: null });
});
