// Golden tests, one group per value modifier; every row is checked by the compiled matcher and the
// reference interpreter (test-support asserts they agree).

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { longestEqual } from "./compile.js";
import { encodeBase64Offset, encodeUtf16 } from "./encoding.js";
import { golden, loadYaml, ruleYaml } from "./test-support.js";

const b64 = (s: string, enc: BufferEncoding = "utf8") => Buffer.from(s, enc).toString("base64");

describe("contains / startswith / endswith", () => {
  test("contains", () =>
    golden("sel:\n  CommandLine|contains: whoami\ncondition: sel", [
      [{ CommandLine: "cmd /c WHOAMI /all" }, true],
      [{ CommandLine: "whoami" }, true],
      [{ CommandLine: "who ami" }, false],
      [{ Other: "whoami" }, false],
      [{}, false],
    ]));
  test("startswith", () =>
    golden("sel:\n  Image|startswith: 'C:\\Windows\\'\ncondition: sel", [
      [{ Image: "c:\\windows\\system32\\cmd.exe" }, true],
      [{ Image: "D:\\C:\\Windows\\x" }, false],
    ]));
  test("endswith", () =>
    golden("sel:\n  Image|endswith: '\\cmd.exe'\ncondition: sel", [
      [{ Image: "C:\\Windows\\System32\\CMD.EXE" }, true],
      [{ Image: "C:\\Windows\\System32\\cmd.exe.bak" }, false],
      [{ Image: "cmd.exe" }, false],
    ]));
  test("contains with a list is OR", () =>
    golden("sel:\n  CommandLine|contains:\n    - foo\n    - bar\ncondition: sel", [
      [{ CommandLine: "xbarx" }, true],
      [{ CommandLine: "xfoox" }, true],
      [{ CommandLine: "xbazx" }, false],
    ]));
  test("contains keeps wildcards inside the value", () =>
    golden("sel:\n  CommandLine|contains: 'a*b?c'\ncondition: sel", [
      [{ CommandLine: "..a123bXc.." }, true],
      [{ CommandLine: "..abc.." }, false],
    ]));
});

describe("all", () => {
  test("list of values AND-ed", () =>
    golden("sel:\n  CommandLine|contains|all:\n    - -enc\n    - -nop\ncondition: sel", [
      [{ CommandLine: "powershell -nop -enc AAA" }, true],
      [{ CommandLine: "powershell -enc AAA" }, false],
      [{ CommandLine: "powershell -nop" }, false],
    ]));
  test("'|all' on keywords: every keyword somewhere in the event", () =>
    golden("keywords:\n  '|all':\n    - mimikatz\n    - sekurlsa\ncondition: keywords", [
      [{ a: "mimikatz.exe", b: "sekurlsa::logonpasswords" }, true],
      [{ a: "mimikatz sekurlsa" }, true],
      [{ a: "mimikatz.exe" }, false],
    ]));
  test("all over an array field: each value may hit a different element", () =>
    golden("sel:\n  Tags|all:\n    - a\n    - b\ncondition: sel", [
      [{ Tags: ["A", "b", "c"] }, true],
      [{ Tags: ["a", "c"] }, false],
    ]));
  test("all on a single value warns", () => {
    const r = loadYaml(ruleYaml("sel:\n  F|all: x\ncondition: sel"));
    assert.deepEqual(
      r.report.warnings.map((w) => w.code),
      ["all-single-value"],
    );
    assert.equal(r.detections.length, 1);
  });
});

describe("exists", () => {
  test("exists: true", () =>
    golden("sel:\n  User|exists: true\ncondition: sel", [
      [{ User: "bob" }, true],
      [{ User: "" }, true],
      [{ User: null }, true], // present-but-null is present
      [{ User: 0 }, true],
      [{ Other: "bob" }, false],
    ]));
  test("exists: false", () =>
    golden("sel:\n  User|exists: false\ncondition: sel", [
      [{ User: "bob" }, false],
      [{ User: null }, false],
      [{ Other: "bob" }, true],
      [{}, true],
    ]));
  test("exists on a dotted path", () =>
    golden("sel:\n  a.b|exists: true\ncondition: sel", [
      [{ a: { b: null } }, true],
      [{ a: { c: 1 } }, false],
      [{ "a.b": 1 }, true],
    ]));
  test("exists needs a boolean", () => {
    const r = loadYaml(ruleYaml("sel:\n  User|exists: yes please\ncondition: sel"));
    assert.deepEqual(
      r.report.errors.map((e) => e.code),
      ["exists-needs-boolean"],
    );
  });
});

describe("cased", () => {
  test("equals, cased", () =>
    golden("sel:\n  F|cased: Foo\ncondition: sel", [
      [{ F: "Foo" }, true],
      [{ F: "foo" }, false],
      [{ F: "FOO" }, false],
    ]));
  test("contains|cased", () =>
    golden("sel:\n  F|contains|cased: Foo\ncondition: sel", [
      [{ F: "xFoox" }, true],
      [{ F: "xfoox" }, false],
    ]));
  test("cased with wildcards", () =>
    golden("sel:\n  F|cased: 'A?c*'\ncondition: sel", [
      [{ F: "Abcdef" }, true],
      [{ F: "abcdef" }, false],
      [{ F: "AbC" }, false],
    ]));
});

describe("neq", () => {
  test("single value", () =>
    golden("sel:\n  User|neq: SYSTEM\ncondition: sel", [
      [{ User: "bob" }, true],
      [{ User: "system" }, false], // case-insensitive like every value
      [{ User: "SYSTEM" }, false],
      [{}, true], // an absent field is different from the value
    ]));
  test("list: different from every value", () =>
    golden("sel:\n  User|neq:\n    - a\n    - b\ncondition: sel", [
      [{ User: "c" }, true],
      [{ User: "a" }, false],
      [{ User: "B" }, false],
    ]));
  test("neq with a number", () =>
    golden("sel:\n  EventID|neq: 4688\ncondition: sel", [
      [{ EventID: 4689 }, true],
      [{ EventID: 4688 }, false],
      [{ EventID: "4688" }, false],
    ]));
  test("neq combined with other fields of the selection", () =>
    golden("sel:\n  EventID: 1\n  User|neq: admin\ncondition: sel", [
      [{ EventID: 1, User: "bob" }, true],
      [{ EventID: 1, User: "admin" }, false],
      [{ EventID: 2, User: "bob" }, false],
    ]));
});

describe("windash", () => {
  test("every dash form at the start of a flag", () =>
    golden("sel:\n  CommandLine|windash|contains: ' -exec '\ncondition: sel", [
      [{ CommandLine: "x -exec y" }, true],
      [{ CommandLine: "x /exec y" }, true],
      [{ CommandLine: "x \u2013exec y" }, true],
      [{ CommandLine: "x \u2014exec y" }, true],
      [{ CommandLine: "x \u2015exec y" }, true],
      [{ CommandLine: "x _exec y" }, false],
      [{ CommandLine: "x exec y" }, false],
    ]));
  test("a slash in the rule value also stands for every dash", () =>
    golden("sel:\n  CommandLine|windash|contains: '/c '\ncondition: sel", [
      [{ CommandLine: "cmd -c whoami" }, true],
      [{ CommandLine: "cmd /c whoami" }, true],
      [{ CommandLine: "cmd \u2014c whoami" }, true],
    ]));
  test("only a dash at the start of a word (\\B[-/]\\b): inner dashes stay literal", () =>
    golden("sel:\n  CommandLine|windash|contains: 'a-b -x -- /'\ncondition: sel", [
      [{ CommandLine: "a-b -x -- /" }, true],
      [{ CommandLine: "a-b /x -- /" }, true],
      [{ CommandLine: "a/b -x -- /" }, false], // dash after a word character: not replaced
      [{ CommandLine: "a-b -x // /" }, false], // `--` is followed by a space, not a word
      [{ CommandLine: "a-b -x -- -" }, false], // trailing `/` is not before a word
    ]));
  test("windash with a list and equals", () =>
    golden("sel:\n  CommandLine|windash:\n    - '-a'\n    - '-b'\ncondition: sel", [
      [{ CommandLine: "/a" }, true],
      [{ CommandLine: "\u2013b" }, true],
      [{ CommandLine: "-c" }, false],
    ]));
});

describe("re", () => {
  test("plain regex is case-sensitive and unanchored", () =>
    golden("sel:\n  F|re: 'ab+c'\ncondition: sel", [
      [{ F: "xxabbbcxx" }, true],
      [{ F: "ABC" }, false],
      [{ F: "ac" }, false],
    ]));
  test("i flag", () =>
    golden("sel:\n  F|re|i: '^ab+c$'\ncondition: sel", [
      [{ F: "ABbC" }, true],
      [{ F: "xABC" }, false],
    ]));
  test("inline (?i)", () =>
    golden("sel:\n  F|re: '(?i)^ab[c-e]$'\ncondition: sel", [
      [{ F: "ABD" }, true],
      [{ F: "abE" }, true],
      [{ F: "abf" }, false],
    ]));
  test("m flag: ^ and $ at line ends", () =>
    golden("sel:\n  F|re|m: '^second$'\ncondition: sel", [
      [{ F: "first\nsecond\nthird" }, true],
      [{ F: "first second" }, false],
    ]));
  test("without m, ^ is the start of the value", () =>
    golden("sel:\n  F|re: '^second$'\ncondition: sel", [[{ F: "first\nsecond" }, false]]));
  test("s flag: dot matches newline", () =>
    golden("sel:\n  F|re|s: 'a.b'\ncondition: sel", [
      [{ F: "a\nb" }, true],
      [{ F: "axb" }, true],
    ]));
  test("without s, dot does not match newline", () =>
    golden("sel:\n  F|re: 'a.b'\ncondition: sel", [
      [{ F: "a\nb" }, false],
      [{ F: "axb" }, true],
    ]));
  test("combined i, m, s", () =>
    golden("sel:\n  F|re|i|m|s: '^B.C$'\ncondition: sel", [
      [{ F: "a\nb\nc" }, true],
      [{ F: "a\nbxd" }, false],
    ]));
  test("regex on a number field reads its string form", () =>
    golden("sel:\n  EventID|re: '^46\\d\\d$'\ncondition: sel", [
      [{ EventID: 4688 }, true],
      [{ EventID: 5000 }, false],
    ]));
  test("invalid regex and flags without re are load errors", () => {
    const r = loadYaml({
      "a.yml": ruleYaml("sel:\n  F|re: 'a('\ncondition: sel"),
      "b.yml": ruleYaml("sel:\n  F|i: 'a'\ncondition: sel"),
    });
    assert.deepEqual(r.report.errors.map((e) => e.code).sort(), ["regex-flag-without-re", "regex-invalid"]);
  });
});

describe("base64 / base64offset", () => {
  test("base64 encodes the whole value", () =>
    golden("sel:\n  F|base64: 'sh -c'\ncondition: sel", [
      [{ F: "c2ggLWM=" }, true],
      [{ F: "c2ggLWM" }, false],
    ]));
  test("base64|contains", () =>
    golden("sel:\n  F|base64|contains: 'sh -c'\ncondition: sel", [[{ F: "xxc2ggLWM=yy" }, true]]));
  test("base64offset gives the three known variants (pySigma docs: /bin/bash)", () => {
    assert.deepEqual(encodeBase64Offset("/bin/bash", false), ["L2Jpbi9iYXNo", "9iaW4vYmFza", "vYmluL2Jhc2"]);
    assert.deepEqual(encodeBase64Offset("sh -c", false), ["c2ggLW", "NoIC1j", "zaCAtY"]);
  });
  test("base64offset|contains finds the value at every offset", () =>
    golden("sel:\n  F|base64offset|contains: /bin/bash\ncondition: sel", [
      [{ F: b64("/bin/bash -i") }, true],
      [{ F: b64("x/bin/bash -i") }, true],
      [{ F: b64("xy/bin/bash -i") }, true],
      [{ F: b64("echo hi; /bin/bash") }, true],
      [{ F: b64("/bin/sh") }, false],
      [{ F: "/bin/bash" }, false],
    ]));
  test("base64 matching is case-insensitive by default (Sigma values are)", () =>
    golden("sel:\n  F|base64: 'sh -c'\ncondition: sel", [[{ F: "C2GGLWM=" }, true]]));
  test("base64|cased is exact", () =>
    golden("sel:\n  F|base64|cased: 'sh -c'\ncondition: sel", [
      [{ F: "c2ggLWM=" }, true],
      [{ F: "C2GGLWM=" }, false],
    ]));
  test("a wildcard cannot be encoded", () => {
    const r = loadYaml(ruleYaml("sel:\n  F|base64: 'a*'\ncondition: sel"));
    assert.deepEqual(
      r.report.errors.map((e) => e.code),
      ["wildcard-in-encoded-value"],
    );
  });
});

describe("utf16le / wide / utf16be / utf16", () => {
  test("the byte forms", () => {
    assert.equal(Buffer.from(encodeUtf16("cmd", "utf16le"), "latin1").toString("hex"), "63006d006400");
    assert.equal(Buffer.from(encodeUtf16("cmd", "utf16be"), "latin1").toString("hex"), "0063006d0064");
    assert.equal(Buffer.from(encodeUtf16("cmd", "utf16"), "latin1").toString("hex"), "fffe63006d006400");
  });
  test("wide|base64offset variants (computed by hand with Python's base64)", () => {
    assert.deepEqual(encodeBase64Offset(encodeUtf16("ping", "utf16le"), true), [
      "cABpAG4AZw",
      "AAaQBuAGcA",
      "wAGkAbgBnA",
    ]);
  });
  test("wide|base64offset|contains over PowerShell -EncodedCommand text", () =>
    golden("sel:\n  CommandLine|wide|base64offset|contains: ping\ncondition: sel", [
      [{ CommandLine: `powershell -enc ${b64("ping 127.0.0.1", "utf16le")}` }, true],
      [{ CommandLine: `powershell -enc ${b64("x ping", "utf16le")}` }, true],
      [{ CommandLine: `powershell -enc ${b64("xx;ping", "utf16le")}` }, true],
      [{ CommandLine: `powershell -enc ${b64("pong", "utf16le")}` }, false],
      [{ CommandLine: `powershell -enc ${b64("ping 127.0.0.1")}` }, false], // UTF-8, not UTF-16
    ]));
  test("utf16le|base64offset equals wide|base64offset", () =>
    golden("sel:\n  F|utf16le|base64offset|contains: ping\ncondition: sel", [
      [{ F: b64("a ping", "utf16le") }, true],
    ]));
  test("utf16be|base64", () =>
    golden("sel:\n  F|utf16be|base64: ping\ncondition: sel", [
      [{ F: "AHAAaQBuAGc=" }, true],
      [{ F: "cABpAG4AZwA=" }, false],
    ]));
  test("utf16|base64 adds the byte order mark", () =>
    golden("sel:\n  F|utf16|base64: ping\ncondition: sel", [
      [{ F: "//5wAGkAbgBnAA==" }, true],
      [{ F: "cABpAG4AZwA=" }, false],
    ]));
  test("wide|base64 of a non-ASCII value", () =>
    golden("sel:\n  F|wide|base64: 'é'\ncondition: sel", [[{ F: b64("é", "utf16le") }, true]]));
});

describe("lt / lte / gt / gte", () => {
  test("numbers", () =>
    golden("sel:\n  N|gt: 10\ncondition: sel", [
      [{ N: 11 }, true],
      [{ N: 10 }, false],
      [{ N: 10.5 }, true],
      [{ N: "11" }, true], // numeric string
      [{ N: " 12 " }, true],
      [{ N: "0x10" }, true], // hex string = 16
      [{ N: "0x9" }, false],
      [{ N: "abc" }, false],
      [{ N: "" }, false],
      [{ N: true }, false],
      [{}, false],
    ]));
  test("lt / lte / gte at the edge", () => {
    golden("sel:\n  N|lt: 5\ncondition: sel", [
      [{ N: 4 }, true],
      [{ N: 5 }, false],
      [{ N: -1 }, true],
    ]);
    golden("sel:\n  N|lte: 5\ncondition: sel", [
      [{ N: 5 }, true],
      [{ N: "5" }, true],
      [{ N: 6 }, false],
    ]);
    golden("sel:\n  N|gte: 5\ncondition: sel", [
      [{ N: 5 }, true],
      [{ N: 4.999 }, false],
    ]);
  });
  test("a numeric string and a hex literal as rule values", () => {
    golden("sel:\n  N|gte: '100'\ncondition: sel", [
      [{ N: 100 }, true],
      [{ N: 99 }, false],
    ]);
    golden("sel:\n  N|lt: 0x10\ncondition: sel", [
      [{ N: 15 }, true],
      [{ N: "0xf" }, true],
      [{ N: 16 }, false],
    ]);
  });
  test("a range with two selections", () =>
    golden("low:\n  N|gte: 10\nhigh:\n  N|lte: 20\ncondition: low and high", [
      [{ N: 10 }, true],
      [{ N: 20 }, true],
      [{ N: 21 }, false],
    ]));
  test("a comparison on an array field: any element", () =>
    golden("sel:\n  N|gt: 10\ncondition: sel", [
      [{ N: [1, 2, 30] }, true],
      [{ N: [1, 2] }, false],
    ]));
  test("non-numbers are load errors", () => {
    const r = loadYaml(ruleYaml("sel:\n  N|gt: ten\ncondition: sel"));
    assert.deepEqual(
      r.report.errors.map((e) => e.code),
      ["not-a-number"],
    );
  });
});

describe("time parts", () => {
  const t = "2024-03-17T22:45:10Z"; // a Sunday; ISO week 11
  test("each part alone", () => {
    golden("sel:\n  T|minute: 45\ncondition: sel", [
      [{ T: t }, true],
      [{ T: "2024-03-17T22:44:10Z" }, false],
    ]);
    golden("sel:\n  T|hour: 22\ncondition: sel", [
      [{ T: t }, true],
      [{ T: "2024-03-17 22:00:00" }, true], // space form, taken as UTC
      [{ T: "2024-03-17T23:00:00+01:00" }, true], // offsets are converted to UTC
      [{ T: "2024-03-17T21:00:00Z" }, false],
    ]);
    golden("sel:\n  T|day: 17\ncondition: sel", [[{ T: t }, true]]);
    golden("sel:\n  T|week: 11\ncondition: sel", [
      [{ T: t }, true],
      [{ T: "2024-03-18T00:00:00Z" }, false], // Monday: week 12
    ]);
    golden("sel:\n  T|month: 3\ncondition: sel", [
      [{ T: t }, true],
      [{ T: "2024-04-01T00:00:00Z" }, false],
    ]);
    golden("sel:\n  T|year: 2024\ncondition: sel", [
      [{ T: t }, true],
      [{ T: "2023-12-31T23:59:59Z" }, false],
      [{ T: "not a date" }, false],
      [{}, false],
    ]);
  });
  test("epoch numbers (seconds and milliseconds)", () =>
    golden("sel:\n  T|hour: 22\ncondition: sel", [
      [{ T: Date.parse(t) }, true],
      [{ T: Date.parse(t) / 1000 }, true],
    ]));
  test("with comparisons: out of office hours", () =>
    golden("late:\n  T|hour|gte: 20\nearly:\n  T|hour|lt: 6\ncondition: late or early", [
      [{ T: "2024-03-17T22:00:00Z" }, true],
      [{ T: "2024-03-17T05:59:00Z" }, true],
      [{ T: "2024-03-17T06:00:00Z" }, false],
      [{ T: "2024-03-17T19:59:59Z" }, false],
    ]));
  test("a list of time values", () =>
    golden("sel:\n  T|month:\n    - 1\n    - 12\ncondition: sel", [
      [{ T: "2024-12-01T00:00:00Z" }, true],
      [{ T: "2024-01-31T00:00:00Z" }, true],
      [{ T: "2024-06-01T00:00:00Z" }, false],
    ]));
});

describe("cidr", () => {
  test("IPv4 edges", () =>
    golden("sel:\n  Ip|cidr: 10.1.0.0/16\ncondition: sel", [
      [{ Ip: "10.1.0.0" }, true],
      [{ Ip: "10.1.255.255" }, true],
      [{ Ip: "10.0.255.255" }, false],
      [{ Ip: "10.2.0.0" }, false],
      [{ Ip: "10.1.2.300" }, false],
      [{ Ip: "not an ip" }, false],
      [{ Ip: "::ffff:10.1.0.1" }, false], // an IPv6 address is not in an IPv4 network
    ]));
  test("IPv4 /32, /0 and odd prefix lengths", () => {
    golden("sel:\n  Ip|cidr: 192.168.1.7/32\ncondition: sel", [
      [{ Ip: "192.168.1.7" }, true],
      [{ Ip: "192.168.1.6" }, false],
    ]);
    golden("sel:\n  Ip|cidr: 0.0.0.0/0\ncondition: sel", [
      [{ Ip: "255.255.255.255" }, true],
      [{ Ip: "fe80::1" }, false],
    ]);
    golden("sel:\n  Ip|cidr: 172.16.0.0/12\ncondition: sel", [
      [{ Ip: "172.31.255.255" }, true],
      [{ Ip: "172.32.0.0" }, false],
      [{ Ip: "172.15.255.255" }, false],
    ]);
  });
  test("IPv6 edges", () =>
    golden("sel:\n  Ip|cidr: '2001:db8::/32'\ncondition: sel", [
      [{ Ip: "2001:db8::" }, true],
      [{ Ip: "2001:0DB8:ffff:ffff:ffff:ffff:ffff:ffff" }, true],
      [{ Ip: "2001:db9::" }, false],
      [{ Ip: "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff" }, false],
      [{ Ip: "10.0.0.1" }, false],
    ]));
  test("IPv6 link-local /10 and a list", () =>
    golden("sel:\n  Ip|cidr:\n    - 'fe80::/10'\n    - 127.0.0.0/8\ncondition: sel", [
      [{ Ip: "fe80::1%eth0" }, true],
      [{ Ip: "febf:ffff::1" }, true],
      [{ Ip: "fec0::1" }, false],
      [{ Ip: "127.0.0.1" }, true],
    ]));
  test("an invalid network is a load error", () => {
    const r = loadYaml(ruleYaml("sel:\n  Ip|cidr: 10.0.0.0/33\ncondition: sel"));
    assert.deepEqual(
      r.report.errors.map((e) => e.code),
      ["invalid-cidr"],
    );
  });
});

describe("expand", () => {
  const placeholders = new Map([
    ["Admins", ["root", "Administrator"]],
    ["Dir", ["C:\\Tools", "D:\\Bin"]],
  ]);
  test("a placeholder expands into each configured value", () =>
    golden(
      "sel:\n  User|expand: '%Admins%'\ncondition: sel",
      [
        [{ User: "ROOT" }, true],
        [{ User: "administrator" }, true],
        [{ User: "bob" }, false],
        [{ User: "%Admins%" }, false],
      ],
      { placeholders },
    ));
  test("a placeholder inside a longer value, with startswith", () =>
    golden(
      "sel:\n  Image|expand|startswith: '%Dir%\\'\ncondition: sel",
      [
        [{ Image: "c:\\tools\\x.exe" }, true],
        [{ Image: "D:\\Bin\\y.exe" }, true],
        [{ Image: "E:\\Bin\\y.exe" }, false],
      ],
      { placeholders },
    ));
  test("an escaped percent is literal", () =>
    golden(
      "sel:\n  F|expand: '\\%plain%Admins%'\ncondition: sel",
      [
        [{ F: "%plainroot" }, true],
        [{ F: "plainroot" }, false],
      ],
      { placeholders },
    ));
  test("without expand, a placeholder is a literal value", () =>
    golden("sel:\n  User: '%Admins%'\ncondition: sel", [
      [{ User: "%admins%" }, true],
      [{ User: "root" }, false],
    ]));
  test("an unset placeholder warns and matches nothing", () => {
    const r = loadYaml(ruleYaml("sel:\n  User|expand: '%Nobody%'\ncondition: sel"));
    assert.deepEqual(r.report.errors, []);
    assert.deepEqual(
      r.report.warnings.map((w) => [w.code, w.line]),
      [["placeholder-unset", 7]],
    );
    golden("sel:\n  User|expand: '%Nobody%'\ncondition: sel", [
      [{ User: "%Nobody%" }, false],
      [{ User: "" }, false],
    ]);
  });
});

describe("fieldref", () => {
  test("equals another field (case-insensitive)", () =>
    golden("sel:\n  SourceUser|fieldref: TargetUser\ncondition: sel", [
      [{ SourceUser: "Bob", TargetUser: "bob" }, true],
      [{ SourceUser: "bob", TargetUser: "alice" }, false],
      [{ SourceUser: "bob" }, false],
      [{ TargetUser: "bob" }, false],
      [{ SourceUser: 42, TargetUser: "42" }, true],
    ]));
  test("with contains / startswith / endswith", () => {
    golden("sel:\n  CommandLine|fieldref|contains: User\ncondition: sel", [
      [{ CommandLine: "net user BOB /add", User: "bob" }, true],
      [{ CommandLine: "net user alice", User: "bob" }, false],
    ]);
    golden("sel:\n  Path|fieldref|startswith: Home\ncondition: sel", [
      [{ Path: "C:\\Users\\Bob\\x", Home: "c:\\users\\bob" }, true],
      [{ Path: "D:\\C:\\Users\\Bob", Home: "c:\\users\\bob" }, false],
    ]);
    golden("sel:\n  Image|fieldref|endswith: Name\ncondition: sel", [
      [{ Image: "C:\\x\\evil.exe", Name: "EVIL.exe" }, true],
      [{ Image: "C:\\x\\evil.exe.bak", Name: "evil.exe" }, false],
    ]);
  });
  test("with cased", () =>
    golden("sel:\n  A|fieldref|cased: B\ncondition: sel", [
      [{ A: "Bob", B: "Bob" }, true],
      [{ A: "Bob", B: "bob" }, false],
    ]));
  test("with neq: the fields differ", () =>
    golden("sel:\n  A|fieldref|neq: B\ncondition: sel", [
      [{ A: "x", B: "y" }, true],
      [{ A: "x", B: "X" }, false],
      [{ A: "x" }, true], // nothing to be equal to
    ]));
  test("a field reference into a nested object", () =>
    golden("sel:\n  a.b|fieldref: c.d\ncondition: sel", [
      [{ a: { b: "v" }, c: { d: "V" } }, true],
      [{ a: { b: "v" }, c: { d: "w" } }, false],
    ]));
});

describe("modifier validation", () => {
  test("unknown, duplicate and conflicting modifiers", () => {
    const r = loadYaml({
      "a.yml": ruleYaml("sel:\n  F|contain: x\ncondition: sel"),
      "b.yml": ruleYaml("sel:\n  F|contains|contains: x\ncondition: sel"),
      "c.yml": ruleYaml("sel:\n  F|contains|endswith: x\ncondition: sel"),
      "d.yml": ruleYaml("sel:\n  F|re|cidr: x\ncondition: sel"),
      "e.yml": ruleYaml("sel:\n  F|contains: null\ncondition: sel"),
    });
    assert.deepEqual(
      r.report.errors.map((e) => [e.path, e.code]),
      [
        ["a.yml", "unknown-modifier"],
        ["b.yml", "duplicate-modifier"],
        ["c.yml", "conflicting-modifiers"],
        ["d.yml", "conflicting-modifiers"],
        ["e.yml", "null-with-modifier"],
      ],
    );
    assert.equal(r.report.failed, 5);
  });
});

describe("equality lists (the matcher skips values longer than every text)", () => {
  test("longestEqual: the longest compared text, or infinity when a test is not a plain equality", () => {
    const tests = (yaml: string) => {
      const r = loadYaml(ruleYaml(yaml));
      const rule = r.detections[0]!;
      const p = rule.identifiers.get("sel")!.groups[0]![0]!;
      assert.equal(p.kind, "values");
      return p.kind === "values" ? p.tests : [];
    };
    assert.equal(longestEqual(tests("sel:\n  Description: ['-', '']\ncondition: sel")), 1);
    assert.equal(longestEqual(tests("sel:\n  Description: ''\ncondition: sel")), 0);
    assert.equal(longestEqual(tests("sel:\n  X|cased: ABC\ncondition: sel")), 3);
    // U+0130 is one character written, two lower-cased: the compared text is what counts
    assert.equal(longestEqual(tests("sel:\n  X: '\u0130'\ncondition: sel")), 2);
    assert.equal(longestEqual(tests("sel:\n  X: ['a', 'b*']\ncondition: sel")), Number.POSITIVE_INFINITY);
    assert.equal(longestEqual(tests("sel:\n  X|contains: a\ncondition: sel")), Number.POSITIVE_INFINITY);
    assert.equal(longestEqual(tests("sel:\n  X|re: a\ncondition: sel")), Number.POSITIVE_INFINITY);
    assert.equal(longestEqual(tests("sel:\n  X: null\ncondition: sel")), Number.POSITIVE_INFINITY);
    assert.equal(longestEqual(tests("sel:\n  X: 4688\ncondition: sel")), 4);
  });
  test("values longer than every text never match; equal ones still do", () =>
    golden("sel:\n  Description: ['-', '']\ncondition: sel", [
      [{ Description: "-" }, true],
      [{ Description: "" }, true],
      [{ Description: "--" }, false],
      [{ Description: "Microsoft Windows" }, false],
      [{ Description: 5 }, false],
      [{ Description: ["x", "-"] }, true],
      [{}, false],
    ]));
  test("a value that lower-cases longer still matches (U+0130 becomes i + U+0307)", () =>
    golden("sel:\n  X: 'i\u0307'\ncondition: sel", [
      [{ X: "\u0130" }, true],
      [{ X: "I\u0307" }, true],
      [{ X: "i\u0307x" }, false],
    ]));
  test("negated and cased equality lists keep their meaning", () =>
    golden("sel:\n  X|cased: ['Ab', 'C']\nneg:\n  Y|neq: 'z'\ncondition: sel and neg", [
      [{ X: "Ab", Y: "long value" }, true],
      [{ X: "ab", Y: "q" }, false],
      [{ X: "Abc", Y: "q" }, false],
      [{ X: "C", Y: "Z" }, false],
    ]));
});
