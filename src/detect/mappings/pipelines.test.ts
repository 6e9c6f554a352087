// Hand-made sample events, one or more per shipped pipeline: recognition, field names, logsource.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { JsonObject, MappedEvent } from "../../core/index.js";
import { applyPipeline, detectPipeline, identityMapping, loadPipelines, type Pipeline } from "./index.js";

const loaded = loadPipelines();
if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
const pipelines: Pipeline[] = loaded.value;

/** Detects the pipeline, checks it is the expected one, and maps the event. */
const map = (expected: string, event: JsonObject): MappedEvent => {
  const p = detectPipeline(pipelines, event);
  assert.equal(p?.name, expected, JSON.stringify(event).slice(0, 120));
  return applyPipeline(p as Pipeline, event);
};

test("windows: OTRF-style Sysmon process creation", () => {
  const m = map("windows", {
    EventID: 1,
    Channel: "Microsoft-Windows-Sysmon/Operational",
    SourceName: "Microsoft-Windows-Sysmon",
    Hostname: "WORKSTATION5",
    Image: "C:\\Windows\\System32\\cmd.exe",
    CommandLine: "cmd /c whoami",
    "@timestamp": "2020-10-22T01:54:20.493Z",
  });
  assert.deepEqual(m.logsource, { product: "windows", service: "sysmon", categories: ["process_creation"] });
  assert.equal(m.fields.Computer, "WORKSTATION5");
  assert.equal(m.fields.Hostname, "WORKSTATION5");
  assert.equal(m.fields.Provider_Name, "Microsoft-Windows-Sysmon");
  assert.equal(m.fields.CommandLine, "cmd /c whoami");
  assert.equal(m.time, Date.UTC(2020, 9, 22, 1, 54, 20, 493));
});

test("windows: channel case does not matter; Security 4688 is process_creation with pySigma names", () => {
  const m = map("windows", {
    EventID: "4688",
    Channel: "security",
    NewProcessName: "C:\\Windows\\System32\\whoami.exe",
    ParentProcessName: "C:\\Windows\\System32\\cmd.exe",
    SubjectUserName: "alice",
    SubjectLogonId: "0x3e7",
    ProcessId: "0x1a4",
    TimeCreated: "2020-10-22 01:54:20.493",
  });
  assert.deepEqual(m.logsource, {
    product: "windows",
    service: "security",
    categories: ["process_creation"],
  });
  assert.equal(m.fields.Image, "C:\\Windows\\System32\\whoami.exe");
  assert.equal(m.fields.NewProcessName, "C:\\Windows\\System32\\whoami.exe");
  assert.equal(m.fields.ParentImage, "C:\\Windows\\System32\\cmd.exe");
  assert.equal(m.fields.User, "alice");
  assert.equal(m.fields.LogonId, "0x3e7");
  assert.equal(m.fields.ParentProcessId, "0x1a4");
  assert.equal(m.time, Date.UTC(2020, 9, 22, 1, 54, 20, 493));
});

test("windows: Sysmon registry events get their specific and generic categories", () => {
  const sysmon = { Channel: "Microsoft-Windows-Sysmon/Operational" };
  const cats = (e: JsonObject) => [...map("windows", { ...sysmon, ...e }).logsource.categories].sort();
  assert.deepEqual(cats({ EventID: 12, EventType: "CreateKey" }), ["registry_add", "registry_event"]);
  assert.deepEqual(cats({ EventID: 12, EventType: "DeleteValue" }), ["registry_delete", "registry_event"]);
  assert.deepEqual(cats({ EventID: 13, EventType: "SetValue" }), ["registry_event", "registry_set"]);
  assert.deepEqual(cats({ EventID: 14 }), ["registry_event", "registry_rename"]);
  assert.deepEqual(cats({ EventID: 22 }), ["dns_query"]);
  assert.deepEqual(cats({ EventID: 26 }), ["file_delete", "file_delete_detected"]);
  assert.deepEqual(cats({ EventID: 4104 }), []);
});

test("windows: PowerShell script blocks and classic engine events", () => {
  const ps = map("windows", { EventID: 4104, Channel: "Microsoft-Windows-PowerShell/Operational" });
  assert.deepEqual(ps.logsource, { product: "windows", service: "powershell", categories: ["ps_script"] });
  const classic = map("windows", { EventID: 400, Channel: "Windows PowerShell" });
  assert.deepEqual(classic.logsource, {
    product: "windows",
    service: "powershell-classic",
    categories: ["ps_classic_start"],
  });
  const other = map("windows", { EventID: 1, Channel: "Some/Unknown" });
  assert.deepEqual(other.logsource, { product: "windows", categories: [] });
});

test("evtx: nested evtx_dump JSON is flattened to Sigma Windows names", () => {
  const m = map("evtx", {
    Event: {
      "#attributes": { xmlns: "http://schemas.microsoft.com/win/2004/08/events/event" },
      System: {
        Provider: { "#attributes": { Name: "Service Control Manager", Guid: "{555908d1}" } },
        EventID: { "#attributes": { Qualifiers: 16384 }, "#text": 7045 },
        Level: 4,
        Task: 0,
        Keywords: "0x8080000000000000",
        TimeCreated: { "#attributes": { SystemTime: "2023-01-02T03:04:05.678901Z" } },
        EventRecordID: 42,
        Channel: "System",
        Computer: "dc01.corp",
        Security: { "#attributes": { UserID: "S-1-5-18" } },
      },
      EventData: { ServiceName: "evil", ImagePath: "C:\\evil.exe", AccountName: { "#text": "LocalSystem" } },
    },
  });
  assert.deepEqual(m.logsource, { product: "windows", service: "system", categories: [] });
  assert.equal(m.fields.EventID, 7045);
  assert.equal(m.fields.Provider_Name, "Service Control Manager");
  assert.equal(m.fields.Computer, "dc01.corp");
  assert.equal(m.fields.Security_UserID, "S-1-5-18");
  assert.equal(m.fields.EventRecordID, 42);
  assert.equal(m.fields.ServiceName, "evil");
  assert.equal(m.fields.AccountName, "LocalSystem");
  assert.equal(m.time, Date.parse("2023-01-02T03:04:05.678Z"));
});

test("evtx: UserData leaves become top-level fields", () => {
  const m = map("evtx", {
    Event: {
      System: {
        EventID: 104,
        Channel: "System",
        Provider: { "#attributes": { Name: "Microsoft-Windows-Eventlog" } },
      },
      UserData: {
        LogFileCleared: { "#attributes": { xmlns: "x" }, SubjectUserName: "bob", Channel: "Security" },
      },
    },
  });
  assert.equal(m.fields.SubjectUserName, "bob");
  assert.equal(m.fields.Channel, "System", "UserData never overrides System fields");
  assert.equal(m.logsource.service, "system");
});

test("winlogbeat: winlog.event_data and ECS names", () => {
  const m = map("winlogbeat", {
    "@timestamp": "2024-05-01T10:00:00.000Z",
    ecs: { version: "8.0.0" },
    winlog: {
      channel: "Microsoft-Windows-Sysmon/Operational",
      event_id: "1",
      provider_name: "Microsoft-Windows-Sysmon",
      computer_name: "ws1",
      record_id: 77,
      event_data: { Image: "C:\\a.exe", CommandLine: "a.exe -x", ParentImage: "C:\\p.exe" },
    },
    process: { command_line: "ignored: event data wins", executable: "C:\\a.exe" },
  });
  assert.deepEqual(m.logsource, { product: "windows", service: "sysmon", categories: ["process_creation"] });
  assert.equal(m.fields.CommandLine, "a.exe -x");
  assert.equal(m.fields.Computer, "ws1");
  assert.equal(m.fields.EventID, "1");
  assert.equal(m.time, Date.UTC(2024, 4, 1, 10));
});

test("winlogbeat: ECS-only process start on a Windows host", () => {
  const m = map("winlogbeat", {
    ecs: { version: "8.11.0" },
    host: { os: { family: "windows" }, name: "ws2" },
    event: { category: ["process"], type: ["start"] },
    process: {
      command_line: "powershell -enc AAAA",
      executable: "C:\\pwsh.exe",
      parent: { executable: "C:\\x.exe" },
    },
  });
  assert.deepEqual(m.logsource, { product: "windows", categories: ["process_creation"] });
  assert.equal(m.fields.CommandLine, "powershell -enc AAAA");
  assert.equal(m.fields.ParentImage, "C:\\x.exe");
  assert.equal(m.fields.Computer, "ws2");
});

test("auditd: SYSCALL record with x86_64 syscall number", () => {
  const m = map("auditd", {
    type: "SYSCALL",
    msg: "audit(1700000000.123:4242):",
    arch: "c000003e",
    syscall: "319",
    exe: "/usr/bin/ecasound",
    comm: "ecasound",
    key: "memfd",
  });
  assert.deepEqual(m.logsource, { product: "linux", service: "auditd", categories: [] });
  assert.equal(m.fields.SYSCALL, "memfd_create");
  assert.equal(m.fields.syscall, "319");
  assert.equal(m.time, 1_700_000_000_123);
  const execve = map("auditd", { type: "EXECVE", argc: 2, a0: "nc", a1: "-l" });
  assert.equal(execve.fields.a0, "nc");
  assert.equal(execve.logsource.service, "auditd");
});

test("cloudtrail: record kept as is, reachable by the names SigmaHQ uses", () => {
  const m = map("cloudtrail", {
    eventVersion: "1.08",
    eventTime: "2024-02-03T04:05:06Z",
    eventSource: "iam.amazonaws.com",
    eventName: "CreateAccessKey",
    awsRegion: "us-east-1",
    sourceIPAddress: "198.51.100.7",
    userIdentity: { type: "IAMUser", arn: "arn:aws:iam::1:user/x" },
    requestParameters: { userName: "y" },
  });
  assert.deepEqual(m.logsource, { product: "aws", service: "cloudtrail", categories: [] });
  assert.deepEqual(m.fields.userIdentity, { type: "IAMUser", arn: "arn:aws:iam::1:user/x" });
  assert.equal(m.fields.src_ip, "198.51.100.7");
  assert.equal(m.time, Date.UTC(2024, 1, 3, 4, 5, 6));
});

test("azure-activity: diagnostic export, REST and Log Analytics shapes give the same names", () => {
  const exported = map("azure-activity", {
    time: "2024-03-01T00:00:00Z",
    resourceId: "/SUBSCRIPTIONS/1/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.NETWORK/APPLICATIONGATEWAYS/GW",
    operationName: "MICROSOFT.NETWORK/APPLICATIONGATEWAYS/DELETE",
    category: "Administrative",
    resultType: "Success",
  });
  const rest = map("azure-activity", {
    eventDataId: "e1",
    eventTimestamp: "2024-03-01T00:00:00Z",
    operationName: { value: "MICROSOFT.NETWORK/APPLICATIONGATEWAYS/DELETE", localizedValue: "Delete" },
    category: { value: "Administrative" },
    resourceProviderName: { value: "Microsoft.Network" },
  });
  const analytics = map("azure-activity", {
    TimeGenerated: "2024-03-01T00:00:00Z",
    OperationNameValue: "MICROSOFT.NETWORK/APPLICATIONGATEWAYS/DELETE",
    CategoryValue: "Administrative",
  });
  for (const m of [exported, rest, analytics]) {
    assert.deepEqual(m.logsource, { product: "azure", service: "activitylogs", categories: [] });
    assert.equal(m.fields.operationName, "MICROSOFT.NETWORK/APPLICATIONGATEWAYS/DELETE");
    assert.equal(m.fields.OperationNameValue, "MICROSOFT.NETWORK/APPLICATIONGATEWAYS/DELETE");
    assert.equal(m.fields.CategoryValue, "Administrative");
    assert.equal(m.time, Date.UTC(2024, 2, 1));
  }
  assert.equal(rest.fields.ResourceProviderValue, "Microsoft.Network");
});

test("entra-signin: diagnostic export is hoisted and given Log Analytics names", () => {
  const m = map("entra-signin", {
    time: "2024-04-01T12:00:00Z",
    category: "SignInLogs",
    operationName: "Sign-in activity",
    resultType: "50053",
    resourceId: "/tenants/t/providers/Microsoft.aadiam",
    properties: {
      userPrincipalName: "a@b.c",
      appId: "app",
      status: { errorCode: 50053, failureReason: "Account is locked" },
      conditionalAccessStatus: "success",
      authenticationRequirement: "singleFactorAuthentication",
      resourceDisplayName: "Device Registration Service",
      deviceDetail: { deviceId: "", isCompliant: false },
      userAgent: "azurehound/2.0",
    },
  });
  assert.deepEqual(m.logsource, { product: "azure", service: "signinlogs", categories: [] });
  assert.equal(m.fields.ResultType, "50053");
  assert.equal(m.fields.ResultDescription, "Account is locked");
  assert.equal(m.fields.AuthenticationRequirement, "singleFactorAuthentication");
  assert.equal(m.fields.ResourceDisplayName, "Device Registration Service");
  assert.equal(m.fields.userAgent, "azurehound/2.0");
  assert.equal(m.fields.Username, "a@b.c");
  assert.equal((m.fields.DeviceDetail as JsonObject).isCompliant, false);
  assert.equal(m.time, Date.UTC(2024, 3, 1, 12));
});

test("m365-audit: audit, exchange and threat_management services by workload", () => {
  const base = { CreationTime: "2024-06-01T08:00:00", RecordType: 8, Id: "x" };
  const audit = map("m365-audit", {
    ...base,
    Workload: "AzureActiveDirectory",
    Operation: "UserLoggedIn",
    ResultStatus: "Succeeded",
  });
  assert.deepEqual(audit.logsource, { product: "m365", service: "audit", categories: [] });
  assert.equal(audit.fields.Operation, "UserLoggedIn");
  assert.equal(audit.fields.status, "success");
  assert.equal(audit.time, Date.UTC(2024, 5, 1, 8));
  const exchange = map("m365-audit", {
    ...base,
    Workload: "Exchange",
    Operation: "Add-FederatedDomain",
    ResultStatus: "True",
  });
  assert.deepEqual(exchange.logsource, { product: "m365", service: "exchange", categories: [] });
  assert.equal(exchange.fields.eventSource, "Exchange");
  assert.equal(exchange.fields.eventName, "Add-FederatedDomain");
  assert.equal(exchange.fields.status, "success");
  const alert = map("m365-audit", {
    ...base,
    RecordType: 40,
    Workload: "SecurityComplianceCenter",
    Operation: "AlertTriggered",
    Name: "Activity from anonymous IP addresses",
  });
  assert.deepEqual(alert.logsource, { product: "m365", service: "threat_management", categories: [] });
  assert.equal(alert.fields.eventSource, "SecurityComplianceCenter");
  assert.equal(alert.fields.eventName, "Activity from anonymous IP addresses");
  assert.equal(alert.fields.status, "success");
});

test("unrecognised events get no pipeline; identityMapping keeps fields and finds the time", () => {
  const e = { hello: "world", timestamp: 1_700_000_000 };
  assert.equal(detectPipeline(pipelines, e), undefined);
  const m = identityMapping(e);
  assert.equal(m.fields, e);
  assert.deepEqual(m.logsource, { categories: [] });
  assert.equal(m.time, 1_700_000_000_000);
  assert.equal(identityMapping({ a: 1 }).time, undefined);
});

test("mapping does not modify the input event", () => {
  const e = { EventID: 4688, Channel: "Security", NewProcessName: "x" };
  const copy = structuredClone(e);
  map("windows", e);
  assert.deepEqual(e, copy);
});

test("evtx: EventData names with spaces are also given without them, as Sigma names fields", () => {
  const m = map("evtx", {
    Event: {
      System: {
        Provider: { "#attributes": { Name: "Microsoft-Windows-Windows Defender" } },
        EventID: 1119,
        Channel: "Microsoft-Windows-Windows Defender/Operational",
      },
      EventData: { "Threat Name": "Virus:DOS/EICAR_Test_File", "Source Name": "Real-Time Protection" },
    },
  });
  assert.equal(m.fields.ThreatName, "Virus:DOS/EICAR_Test_File");
  assert.equal(m.fields.SourceName, "Real-Time Protection");
  assert.equal(m.fields["Threat Name"], "Virus:DOS/EICAR_Test_File");
});
