#!/usr/bin/env node
// Runs every compiled test file (dist/**/*.test.js) with node's test runner.
// Node 20's --test takes no globs, so the files are listed here. Extra args filter by path substring.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const filters = process.argv.slice(2);
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith(".test.js")) files.push(p);
  }
};
walk("dist");
const chosen = files.filter((f) => filters.length === 0 || filters.some((x) => f.includes(x))).sort();
if (chosen.length === 0) {
  console.error(`no test files match ${filters.join(" ")}`);
  process.exit(1);
}
const reporter = process.stdout.isTTY ? "spec" : "spec";
const r = spawnSync(
  process.execPath,
  ["--enable-source-maps", "--test", `--test-reporter=${reporter}`, "--test-concurrency=2", ...chosen],
  { stdio: "inherit" },
);
process.exit(r.status ?? 1);
