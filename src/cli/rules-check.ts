// `corridor rules check`: loads rules and reports every problem (file, line, code, message).

import { loadRules } from "../detect/sigma/loader.js";
import { parse, format as pickFormat, UsageError } from "./args.js";
import { bold, dim, green, red, table, yellow } from "./output.js";

export const RULES_CHECK_HELP = `Usage: corridor rules check <dir|file>... [--format table|json] [--warnings]

Loads Sigma rules, correlation rules and filters, and reports every problem found, each with its
file, line, a stable code and a message. Exits 1 when any rule failed to load.

Options:
  --format table|json   table for people (default on a terminal), json for machines
  --warnings            also list warnings (e.g. placeholders without values)
  -h, --help            this help

JSON output: {"rules": N, "loaded": N, "failed": N, "errors": [{"path","line","code","message"}], "warnings": [...]}`;

export async function rulesCheck(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(argv, { format: { type: "string" }, warnings: { type: "boolean" } });
  if (values.help) {
    process.stdout.write(`${RULES_CHECK_HELP}\n`);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError("rules check needs at least one rule file or folder");
  const fmt = pickFormat(values.format, ["table", "json"] as const, process.stdout.isTTY ? "table" : "json");
  const { report } = loadRules(positionals);
  if (fmt === "json") {
    process.stdout.write(
      `${JSON.stringify({ rules: report.rules, loaded: report.loaded, failed: report.failed, errors: report.errors, warnings: report.warnings }, null, 2)}\n`,
    );
  } else {
    const shown = values.warnings ? [...report.errors, ...report.warnings] : report.errors;
    if (shown.length > 0) {
      const rows = shown.map((d) => [
        `${d.path}:${d.line}`,
        report.errors.includes(d) ? red(d.code) : yellow(d.code),
        d.message,
      ]);
      process.stdout.write(`${table(["where", "code", "message"], rows)}\n\n`);
    }
    const pct = report.rules === 0 ? 100 : (100 * report.loaded) / report.rules;
    process.stdout.write(
      `${bold(String(report.rules))} rules, ${green(`${report.loaded} loaded`)} (${pct.toFixed(2)} %), ${
        report.failed > 0 ? red(`${report.failed} failed`) : "0 failed"
      }, ${report.warnings.length} warnings${values.warnings ? "" : dim(" (--warnings to list)")}\n`,
    );
  }
  return report.failed > 0 || report.errors.length > 0 ? 1 : 0;
}
