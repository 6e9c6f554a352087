// Test helper, run as a child process by crash.test.ts: appends batches forever, several in flight at
// once, and prints each acknowledged batch as "first last batch" until it is killed.
import { SegmentLog } from "./index.js";

const [dir, segmentBytes] = process.argv.slice(2);
const log = await SegmentLog.open(dir!, { segmentBytes: Number(segmentBytes) });
process.stdout.write(`open ${log.nextOffset}\n`);
let batch = 0;
const worker = async (): Promise<never> => {
  for (;;) {
    const b = batch++;
    const records = Array.from(
      { length: 1 + (b % 17) },
      (_, i) => `batch ${b} record ${i} ${"p".repeat((b * 31 + i) % 900)}`,
    );
    const { first, last } = await log.append(records);
    process.stdout.write(`${first} ${last} ${b}\n`);
  }
};
await Promise.all([worker(), worker(), worker(), worker()]);
