// `corridor hunt`: runs Sigma rules over log files, like Chainsaw or Hayabusa, from the command line.

import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import type { JsonObject } from "../core/index.js";
import { type HuntItem, hunt, type MappingChoice } from "../detect/hunt.js";
import { loadPipelines, pipelineByName } from "../detect/mappings/index.js";
import { LEVELS, type Level } from "../detect/sigma/ast.js";
import { loadRules } from "../detect/sigma/loader.js";
import { listEventFiles } from "../ingest/readers/index.js";
import { parse, format as pickFormat, timeBound, UsageError } from "./args.js";
import { bold, dim, levelColour, ProgressBar, table, yellow } from "./output.js";

export const HUNT_HELP = `Usage: corridor hunt <path>... --rules <dir|file>... [options]

Runs Sigma detection and correlation rules over log files and folders: .json (arrays, objects or
concatenated objects), .jsonl/.ndjson, any of those .gz-compressed, and native Windows .evtx.

Options:
  -r, --rules <path>        rule file or folder (repeatable; required)
  -m, --mapping <name>      auto (default: recognise each event), none (field names as written,
                            logsource ignored), or a pipeline name: windows, evtx, winlogbeat,
                            auditd, azure-activity, entra-signin, m365-audit, cloudtrail
      --mappings <dir>      also load mapping pipelines from this folder (repeatable)
      --placeholders <file> YAML map of placeholder name -> values, for rules using |expand
  -f, --format <fmt>        table (default on a terminal), jsonl or csv
      --min-level <level>   informational, low, medium, high or critical
      --from <time>         skip events before this time (ISO 8601, UTC unless a zone is given)
      --to <time>           skip events after this time
  -h, --help                this help

jsonl prints one match per line:
  {"rule":{"id","title","level","tags"},"source":{"file","line"},"event":{...}}
and correlation matches as
  {"rule":{...},"correlation":{"type","group","count","first","last"}}

Rules from SigmaHQ are under the Detection Rule License 1.1: results name each rule and its author.`;

type Format = "table" | "jsonl" | "csv";

const csvCell = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const iso = (ms: number | undefined) =>
  ms === undefined || !Number.isFinite(ms) ? "" : new Date(ms).toISOString();

function loadPlaceholders(path: string | undefined): Map<string, string[]> {
  if (!path) return new Map();
  let data: unknown;
  try {
    data = parseYaml(readFileSync(path, "utf8"));
  } catch (e) {
    throw new UsageError(`--placeholders ${path}: ${(e as Error).message}`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new UsageError(`--placeholders ${path}: expected a map of placeholder name to a list of values`);
  }
  return new Map(
    Object.entries(data).map(([k, v]) => [k, (Array.isArray(v) ? v : [v]).map(String)] as const),
  );
}

interface Tally {
  readonly id: string;
  readonly title: string;
  readonly level: Level | undefined;
  readonly author: string | undefined;
  readonly kind: string;
  hits: number;
}

export async function huntCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    rules: { type: "string", short: "r", multiple: true },
    mapping: { type: "string", short: "m" },
    mappings: { type: "string", multiple: true },
    placeholders: { type: "string" },
    format: { type: "string", short: "f" },
    "min-level": { type: "string" },
    from: { type: "string" },
    to: { type: "string" },
  });
  if (values.help) {
    process.stdout.write(`${HUNT_HELP}\n`);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError("hunt needs at least one log file or folder");
  if (!values.rules?.length) throw new UsageError("hunt needs --rules <dir|file>");
  const fmt: Format = pickFormat(
    values.format,
    ["table", "jsonl", "csv"] as const,
    process.stdout.isTTY ? "table" : "jsonl",
  );
  const minLevel = values["min-level"];
  if (minLevel !== undefined && !(LEVELS as readonly string[]).includes(minLevel)) {
    throw new UsageError(`--min-level must be one of ${LEVELS.join(", ")}`);
  }
  const from = timeBound(values.from, "--from");
  const to = timeBound(values.to, "--to");

  const loadedPipelines = loadPipelines(values.mappings ?? []);
  if (!loadedPipelines.ok) {
    for (const p of loadedPipelines.error)
      process.stderr.write(`mapping ${p.path ?? ""}:${p.line ?? ""} ${p.code}: ${p.message}\n`);
    return 1;
  }
  const pipelines = loadedPipelines.value;
  const name = values.mapping ?? "auto";
  let mapping: MappingChoice;
  if (name === "auto") mapping = { kind: "auto" };
  else if (name === "none") mapping = { kind: "none" };
  else {
    const pipeline = pipelineByName(pipelines, name);
    if (!pipeline)
      throw new UsageError(
        `--mapping: no pipeline named '${name}' (known: auto, none, ${pipelines.map((p) => p.name).join(", ")})`,
      );
    mapping = { kind: "named", pipeline };
  }

  const rules = loadRules(values.rules, { placeholders: loadPlaceholders(values.placeholders) });
  if (rules.report.failed > 0) {
    process.stderr.write(
      yellow(
        `warning: ${rules.report.failed} of ${rules.report.rules} rules failed to load (see 'corridor rules check')\n`,
      ),
    );
  }
  const files: string[] = [];
  for await (const f of listEventFiles(positionals)) {
    if (typeof f === "string") files.push(f);
    else process.stderr.write(`${f.path ?? ""}: ${f.message}\n`);
  }
  if (files.length === 0) {
    process.stderr.write("corridor hunt: no event files found (.json .jsonl .ndjson .gz .evtx)\n");
    return 1;
  }

  const bar = fmt === "table" ? new ProgressBar() : undefined;
  const tallies = new Map<string, Tally>();
  let problems = 0;
  let events = 0;
  if (fmt === "csv") process.stdout.write("time,level,rule_id,rule_title,file,line,event\n");
  const write = (s: string) => {
    if (!process.stdout.write(s)) return new Promise<void>((r) => process.stdout.once("drain", () => r()));
    return undefined;
  };
  const started = Date.now();
  for await (const item of hunt(
    files,
    {
      rules,
      pipelines,
      mapping,
      ...(minLevel && { minLevel: minLevel as Level }),
      ...(from !== undefined && { from }),
      ...(to !== undefined && { to }),
    },
    (p) => {
      events = p.events;
      bar?.update(p.fileIndex, p.files, `${p.events} events ${dim(p.file)}`);
    },
  )) {
    if (item.kind === "problem") {
      problems++;
      if (fmt !== "table" || problems <= 20)
        process.stderr.write(`${item.origin.file}:${item.origin.line}: ${item.code}: ${item.message}\n`);
      continue;
    }
    const rule = item.kind === "detection" ? item.rule : item.match.rule;
    const t = tallies.get(rule.id) ?? {
      id: rule.id,
      title: rule.title,
      level: rule.level,
      author: rule.author,
      kind: item.kind,
      hits: 0,
    };
    t.hits++;
    tallies.set(rule.id, t);
    const line = render(item, fmt);
    if (line) await write(line);
  }
  bar?.done();
  if (fmt === "table")
    printSummary([...tallies.values()], events, files.length, problems, Date.now() - started);
  return 0;
}

function ruleJson(rule: { id: string; title: string; level: Level | undefined; tags: readonly string[] }) {
  return { id: rule.id, title: rule.title, level: rule.level ?? null, tags: rule.tags };
}

function render(item: Exclude<HuntItem, { kind: "problem" }>, fmt: Format): string | undefined {
  if (fmt === "table") return undefined;
  if (item.kind === "detection") {
    if (fmt === "jsonl") {
      return `${JSON.stringify({ rule: ruleJson(item.rule), source: item.origin, event: item.event })}\n`;
    }
    return `${[iso(item.time), item.rule.level ?? "", item.rule.id, item.rule.title, item.origin.file, String(item.origin.line), JSON.stringify(item.event)].map(csvCell).join(",")}\n`;
  }
  const m = item.match;
  const correlation = {
    type: m.rule.type,
    group: m.group as JsonObject,
    count: m.count,
    first: iso(m.first),
    last: iso(m.last),
  };
  if (fmt === "jsonl") return `${JSON.stringify({ rule: ruleJson(m.rule), correlation })}\n`;
  return `${[iso(m.last), m.rule.level ?? "", m.rule.id, m.rule.title, "", "", JSON.stringify(correlation)].map(csvCell).join(",")}\n`;
}

function printSummary(tallies: Tally[], events: number, files: number, problems: number, ms: number): void {
  const order = (l: Level | undefined) => LEVELS.indexOf(l ?? "informational");
  tallies.sort(
    (a, b) => order(b.level) - order(a.level) || b.hits - a.hits || a.title.localeCompare(b.title),
  );
  const out = process.stdout;
  if (tallies.length === 0) out.write("No detections.\n");
  else {
    const rows = tallies.map((t) => [
      levelColour(t.level)(t.level ?? "-"),
      String(t.hits),
      t.kind === "correlation" ? `${t.title} ${dim("(correlation)")}` : t.title,
      dim(t.author ?? "-"),
    ]);
    out.write(`${table(["level", "hits", "rule", "author"], rows)}\n\n`);
    const byLevel = LEVELS.slice()
      .reverse()
      .map(
        (l) => `${levelColour(l)(l)} ${tallies.filter((t) => t.level === l).reduce((s, t) => s + t.hits, 0)}`,
      );
    out.write(`${bold("Hits by level:")} ${byLevel.join("  ")}\n`);
  }
  const rate = ms > 0 ? Math.round((events * 1000) / ms) : events;
  out.write(
    `${events} events in ${files} files, ${problems} unreadable records, ${(ms / 1000).toFixed(1)} s (${rate} events/s)\n`,
  );
  out.write(
    dim(
      "Rules are credited to their authors above; SigmaHQ rules are used under the Detection Rule License 1.1.\n",
    ),
  );
}
