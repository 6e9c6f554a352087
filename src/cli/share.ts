// `corridor share export|import`: STIX 2.1 bundles on files, so people can move incidents to and
// from OpenCTI, MISP or a partner by hand. Export is validated before it is written.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { Jurisdiction } from "../core/marking.js";
import type { Problem } from "../core/result.js";
import { loadConfig } from "../node/config.js";
import {
  type BundleTransform,
  exportIncident,
  importBundle,
  loadSchemas,
  parseIncidentJson,
  summariseObjects,
  validateStix,
} from "../share/stix/index.js";
import { parse, format as pickFormat, UsageError } from "./args.js";
import { bold, dim, green, red, table, yellow } from "./output.js";

export const SHARE_HELP = `Usage: corridor share export (--incident FILE.json | --stdin) [--out FILE] [node options]
       corridor share import FILE.json|- [--format table|json] [--require-schemas]

export   turns a Corridor incident (as GET /api/v1/incidents/:id returns it) into a STIX 2.1
         bundle: the node's identity, the incident with Corridor's extension (NIS2, RSIT,
         severity, status, ATT&CK), one indicator per observable, relationships, and the TLP 2.0
         marking. Every object is validated before the bundle is written (to --out, or stdout).
         Node options: --config FILE (default ./corridor.yaml, for the node's id, name and
         jurisdiction), or --node-id ID --node-name NAME --jurisdiction CC.
         No sharing policy is applied here: review what you send.
import   validates a STIX 2.1 bundle (file, or - for standard input) and summarises it: objects
         by type and TLP, warnings, and every problem with its object index, id and path.
         Exits 0 when the bundle is valid, 1 when not.

Both check against the official OASIS JSON schemas, read from CORRIDOR_STIX_SCHEMAS or --schemas
DIR (the 'schemas' folder of oasis-open/cti-stix2-json-schemas); without them only Corridor's
structural checks run, with a warning (import --require-schemas makes that an error).`;

export interface ShareDeps {
  /** The sharing policy, applied to the bundle before it is written (the integrator's hook). */
  readonly transform?: BundleTransform;
  readonly now?: () => Date;
}

const readInput = (file: string): string => readFileSync(file === "-" ? 0 : file, "utf8");

const printProblems = (ps: readonly Problem[], colour: (s: string) => string) => {
  for (const p of ps)
    process.stderr.write(`${colour(p.code)} ${p.path ? `${dim(p.path)} ` : ""}${p.message}\n`);
};

export async function shareCommand(argv: readonly string[], deps: ShareDeps = {}): Promise<number> {
  const [verb, ...rest] = argv;
  const { values, positionals } = parse(rest, {
    incident: { type: "string" },
    stdin: { type: "boolean" },
    out: { type: "string", short: "o" },
    config: { type: "string" },
    "node-id": { type: "string" },
    "node-name": { type: "string" },
    jurisdiction: { type: "string" },
    schemas: { type: "string" },
    format: { type: "string" },
    "require-schemas": { type: "boolean" },
  });
  if (values.help || verb === undefined || verb === "-h" || verb === "--help") {
    process.stdout.write(`${SHARE_HELP}\n`);
    return verb === undefined ? 2 : 0;
  }
  const schemasDir = values.schemas;
  if (verb === "export") {
    if ((values.incident === undefined) === (values.stdin !== true))
      throw new UsageError("give the incident as --incident FILE.json or --stdin (one of them)");
    const node = nodeOf(values);
    const parsed = parseIncidentJson(readInput(values.incident ?? "-"));
    if (!parsed.ok) {
      printProblems(parsed.error, red);
      return 1;
    }
    const r = await exportIncident(parsed.value, {
      node,
      ...(deps.transform ? { transform: deps.transform } : {}),
    });
    if (!r.ok) {
      printProblems(r.error, red);
      return 1;
    }
    const schemas = loadSchemas(schemasDir);
    if ("code" in schemas) printProblems([schemas], yellow);
    const problems = r.value.objects.flatMap((o, i) => {
      const v = validateStix(o, { schemasDir });
      return v.ok
        ? []
        : v.error
            .filter((p) => p.code !== "stix-schemas-unavailable")
            .map((p) => ({ ...p, path: `objects[${i}]${p.path ? `.${p.path}` : ""}` }));
    });
    if (problems.length > 0) {
      printProblems(problems, red);
      return 1;
    }
    const text = `${JSON.stringify(r.value, null, 2)}\n`;
    if (values.out) {
      writeFileSync(values.out, text);
      process.stderr.write(`${green("wrote")} ${values.out}: ${r.value.objects.length} objects\n`);
    } else process.stdout.write(text);
    return 0;
  }
  if (verb === "import") {
    const file = positionals[0];
    if (file === undefined || positionals.length > 1)
      throw new UsageError("give one bundle file (or - for stdin)");
    const fmt = pickFormat(
      values.format,
      ["table", "json"] as const,
      process.stdout.isTTY ? "table" : "json",
    );
    let text: string;
    try {
      text = readInput(file);
    } catch (e) {
      process.stderr.write(`${red("unreadable")} ${file}: ${(e as Error).message}\n`);
      return 1;
    }
    const r = importBundle(text, {
      schemasDir,
      schemas: values["require-schemas"] ? "required" : "if-available",
    });
    const summary = r.ok ? summariseObjects(r.value.objects) : undefined;
    if (fmt === "json") {
      process.stdout.write(
        `${JSON.stringify({
          ok: r.ok,
          bundleId: r.ok ? r.value.bundleId : undefined,
          ...summary,
          warnings: r.ok ? r.value.warnings : [],
          problems: r.ok ? [] : r.error,
        })}\n`,
      );
      return r.ok ? 0 : 1;
    }
    if (!r.ok) {
      process.stdout.write(`${red("invalid")} ${file}: ${r.error.length} problem(s)\n`);
      printProblems(r.error, red);
      return 1;
    }
    const s = summary!;
    process.stdout.write(
      `${green("valid")} ${file}: ${bold(String(s.total))} objects (${r.value.bundleId ?? "no bundle id"})\n\n`,
    );
    process.stdout.write(
      `${table(
        ["type", "count"],
        Object.entries(s.byType)
          .sort()
          .map(([t, n]) => [t, String(n)]),
      )}\n\n`,
    );
    const tlps = Object.entries(s.byTlp).filter(([, n]) => n > 0);
    process.stdout.write(
      `${table(
        ["TLP", "objects"],
        tlps.map(([t, n]) => [t === "none" ? dim("(unmarked)") : `TLP:${t.toUpperCase()}`, String(n)]),
      )}\n`,
    );
    if (r.value.warnings.length > 0) {
      process.stdout.write(`\n${yellow(`${r.value.warnings.length} warning(s)`)}\n`);
      for (const w of r.value.warnings)
        process.stdout.write(`  ${yellow(w.code)} ${w.path ? `${dim(w.path)} ` : ""}${w.message}\n`);
    }
    return 0;
  }
  throw new UsageError(`unknown share command '${verb}': export, import`);
}

/** The exporting node: from the options, else from the node's configuration file. */
function nodeOf(values: Record<string, unknown>): { id: string; name: string; jurisdiction: string } {
  const id = values["node-id"] as string | undefined;
  const name = values["node-name"] as string | undefined;
  const jurisdiction = values.jurisdiction as string | undefined;
  if (id !== undefined || jurisdiction !== undefined) {
    if (!id || !jurisdiction) throw new UsageError("--node-id and --jurisdiction go together");
    if (!Jurisdiction.safeParse(jurisdiction).success)
      throw new UsageError("--jurisdiction is an ISO country code in capitals, e.g. FR");
    return { id, name: name ?? `Corridor node ${id}`, jurisdiction };
  }
  const file = (values.config as string | undefined) ?? "corridor.yaml";
  if (!existsSync(file))
    throw new UsageError(
      `no ${file}: give --config FILE, or --node-id ID --jurisdiction CC [--node-name NAME]`,
    );
  const loaded = loadConfig(file);
  if (!loaded.ok) throw new UsageError(loaded.error.map((p) => p.message).join("; "));
  const n = loaded.value.config.node;
  return { id: n.id, name: name ?? n.name ?? `Corridor node ${n.id}`, jurisdiction: n.jurisdiction };
}
