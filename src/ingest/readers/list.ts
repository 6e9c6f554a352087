// Expands the paths a user gives into the event files to read: folders recursively, in a stable order.
import { readdir, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Problem } from "../../core/index.js";

const EVENT_FILE = /\.(?:json|jsonl|ndjson)(?:\.gz)?$|\.evtx$/i;

/** Names starting with "." are hidden files, editor droppings or macOS "._x" AppleDouble forks. */
const isHidden = (name: string): boolean => name.startsWith(".");

export const isEventFileName = (name: string): boolean => !isHidden(name) && EVENT_FILE.test(name);

export async function* listEventFiles(paths: readonly string[]): AsyncGenerator<string | Problem> {
  for (const path of paths) {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code === "ENOENT" ? "path-not-found" : "path-unreadable";
      yield { code, message: `cannot read ${path}: ${(e as Error).message}`, path };
      continue;
    }
    if (!info.isDirectory()) {
      // A file named explicitly is read whatever its name: the user asked for it.
      yield path;
      continue;
    }
    const files: string[] = [];
    const problems: Problem[] = [];
    await walk(path, files, problems, new Set());
    yield* problems;
    yield* files.sort();
  }
}

async function walk(dir: string, files: string[], problems: Problem[], seen: Set<string>): Promise<void> {
  // Symlinked folders are followed once: the real path guards against loops.
  const real = await realpath(dir);
  if (seen.has(real)) return;
  seen.add(real);
  let entries: import("node:fs").Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    problems.push({
      code: "path-unreadable",
      message: `cannot list ${dir}: ${(e as Error).message}`,
      path: dir,
    });
    return;
  }
  for (const entry of entries) {
    if (isHidden(entry.name)) continue;
    const full = join(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      try {
        const target = await stat(full);
        isDir = target.isDirectory();
        isFile = target.isFile();
      } catch {
        continue; // dangling link
      }
    }
    if (isDir) await walk(full, files, problems, seen);
    else if (isFile && EVENT_FILE.test(entry.name)) files.push(full);
  }
}
