import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { derivedId, parseStixId, randomId, scoId, stixTime, uuidv5 } from "./ids.js";
import { TLP2_EXTENSION_ID, tlpMarking, tlpMarkingId, tlpOfMarkingId, tlpOfMarkings } from "./markings.js";

describe("ids", () => {
  it("uuidv5 matches RFC 4122's algorithm (python's uuid5 vectors)", () => {
    // uuid.uuid5(uuid.NAMESPACE_DNS, "python.org")
    assert.equal(
      uuidv5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org"),
      "886313e1-3b8a-5372-9b90-0c9aee199e5d",
    );
  });

  it("SCO ids are the ones STIX 2.1 defines (OASIS example: resume.pdf with MD5 and SHA-1)", () => {
    // cti-documentation sighting-of-observed-data.json: file--364fe3e5-b1f4-5ba3-b951-ee5983b3538d
    const hashes = {
      MD5: "1717b7fff97d37a1e1a0029d83492de1",
      "SHA-1": "c79a326f8411e9488bdc3779753e1e3489aaedea",
    };
    assert.equal(scoId("file", { hashes, name: "resume.pdf" }), "file--364fe3e5-b1f4-5ba3-b951-ee5983b3538d");
    assert.equal(
      scoId("ipv4-addr", { value: "198.51.100.3" }),
      "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4",
    );
  });

  it("derived ids are stable, differ by type and input, and are valid STIX ids", () => {
    const a = derivedId("indicator", { producer: "p", pattern: "[x:y = 1]" });
    assert.equal(a, derivedId("indicator", { pattern: "[x:y = 1]", producer: "p" }));
    assert.notEqual(a, derivedId("indicator", { producer: "p", pattern: "[x:y = 2]" }));
    assert.notEqual(a.slice(11), derivedId("malware", { producer: "p", pattern: "[x:y = 1]" }).slice(9));
    assert.deepEqual(parseStixId(a)?.type, "indicator");
    assert.match(randomId("bundle"), /^bundle--[0-9a-f-]{8}-[0-9a-f]{4}-4/);
    assert.equal(parseStixId("indicator--not-a-uuid"), undefined);
  });

  it("timestamps have milliseconds and Z", () => {
    assert.equal(stixTime(new Date("2026-01-02T03:04:05Z")), "2026-01-02T03:04:05.000Z");
    assert.throws(() => stixTime(new Date("nope")));
  });
});

describe("TLP 2.0 markings", () => {
  it("carry the official ids and bodies (cti-stix-common-objects tlp-2.0 examples)", () => {
    assert.deepEqual(tlpMarking("clear"), {
      type: "marking-definition",
      spec_version: "2.1",
      id: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
      created: "2022-10-01T00:00:00.000Z",
      name: "TLP:CLEAR",
      extensions: {
        "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {
          extension_type: "property-extension",
          tlp_2_0: "clear",
        },
      },
    });
    assert.equal(tlpMarkingId("green"), "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb");
    assert.equal(tlpMarkingId("amber"), "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421");
    assert.equal(tlpMarkingId("amber+strict"), "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003");
    assert.equal(tlpMarkingId("red"), "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1");
    assert.equal(tlpMarking("amber+strict").name, "TLP:AMBER+STRICT");
    assert.equal(TLP2_EXTENSION_ID, "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d");
  });

  it("reads TLP 2.0 and 1.0 ids, the strictest wins, other markings are ignored", () => {
    for (const t of ["clear", "green", "amber", "amber+strict", "red"] as const)
      assert.equal(tlpOfMarkingId(tlpMarkingId(t)), t);
    assert.equal(tlpOfMarkings(["marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"]), "clear");
    assert.equal(tlpOfMarkings(["marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"]), "red");
    assert.equal(
      tlpOfMarkings([tlpMarkingId("green"), tlpMarkingId("amber+strict"), tlpMarkingId("amber")]),
      "amber+strict",
    );
    assert.equal(tlpOfMarkings(["marking-definition--27557362-b745-4161-96e8-ccd62ce4cb26"]), undefined);
    assert.equal(tlpOfMarkings([]), undefined);
  });
});
