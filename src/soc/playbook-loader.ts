// Reads a folder of playbook files (*.yaml, *.yml). The only I/O of the SOC's domain logic.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { err, ok, type Problem, type Result } from "../core/index.js";
import { type Playbook, parsePlaybook } from "./playbook-schema.js";

/** The package's own playbooks/ folder, found by walking up from this module to package.json. */
export function defaultPlaybooksDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return join(dir, "playbooks");
    const up = dirname(dir);
    if (up === dir) throw new Error("corridor: cannot find package.json above the playbook loader");
    dir = up;
  }
}

/**
 * Every playbook of every folder, or every problem of every file: one bad playbook fails the load,
 * because a half-loaded response policy is worse than none the operator knows about. Ids are
 * unique across all folders.
 */
export function loadPlaybooks(dirs: readonly string[]): Result<Playbook[], Problem[]> {
  const problems: Problem[] = [];
  const playbooks: Playbook[] = [];
  const byId = new Map<string, Playbook>();
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => /\.ya?ml$/i.test(n) && !n.startsWith("."));
    } catch (e) {
      problems.push({
        code: "playbook-dir",
        message: `${dir}: cannot list: ${(e as Error).message}`,
        path: dir,
      });
      continue;
    }
    for (const name of names.sort()) {
      const file = join(dir, name);
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch (e) {
        problems.push({
          code: "playbook-read",
          message: `${file}: cannot read: ${(e as Error).message}`,
          path: file,
        });
        continue;
      }
      const r = parsePlaybook(file, text);
      if (!r.ok) {
        problems.push(...r.error);
        continue;
      }
      const twin = byId.get(r.value.id);
      if (twin) {
        problems.push({
          code: "playbook-duplicate",
          message: `${file}: id "${r.value.id}" is already used by ${twin.file}`,
          path: file,
        });
        continue;
      }
      byId.set(r.value.id, r.value);
      playbooks.push(r.value);
    }
  }
  return problems.length > 0 ? err(problems) : ok(playbooks);
}
