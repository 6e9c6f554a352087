// One process per log folder: a LOCK file holding the owner's pid. A lock left by a dead process (a
// crash, SIGKILL) is taken over; a live owner is an error, since two writers would interleave records.
import { open, readFile, unlink } from "node:fs/promises";
import { join } from "node:path";
import { SegmentLogError } from "./error.js";

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

export async function claimLock(dir: string): Promise<void> {
  const path = join(dir, "LOCK");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(path, "wx");
      await fh.writeFile(String(process.pid));
      await fh.close();
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const owner = Number((await readFile(path, "utf8").catch(() => "")).trim());
      if (Number.isInteger(owner) && owner > 0 && alive(owner)) {
        throw new SegmentLogError("locked", `${dir} is in use by process ${owner}`);
      }
      await unlink(path).catch(() => undefined);
    }
  }
  throw new Error(`could not lock ${dir}`);
}

export async function releaseLock(dir: string): Promise<void> {
  await unlink(join(dir, "LOCK")).catch(() => undefined);
}

/** Makes creations and deletions of files in `dir` durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
