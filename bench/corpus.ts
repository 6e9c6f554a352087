// The OTRF Windows corpus as lines, for the benchmarks: every non-blank line of every .jsonl
// under a folder, in a stable order.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

export function corpusLines(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".jsonl") && !name.startsWith(".")) {
        for (const l of readFileSync(p, "utf8").split("\n")) if (l.trim() !== "") out.push(l);
      }
    }
  };
  walk(dir);
  return out;
}
