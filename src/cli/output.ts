// Terminal output for people: colours (off when not a terminal or NO_COLOR is set), aligned
// tables, and a progress bar on stderr that never mixes into machine output on stdout.

const useColour = (stream: NodeJS.WriteStream) => stream.isTTY === true && !process.env.NO_COLOR;

const code = (n: number) => (s: string) => (useColour(process.stdout) ? `\x1b[${n}m${s}\x1b[0m` : s);
export const bold = code(1);
export const dim = code(2);
export const red = code(31);
export const green = code(32);
export const yellow = code(33);
export const magenta = code(35);
export const cyan = code(36);

export const levelColour = (level: string | undefined): ((s: string) => string) =>
  level === "critical"
    ? magenta
    : level === "high"
      ? red
      : level === "medium"
        ? yellow
        : level === "low"
          ? cyan
          : dim;

// biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes to measure width
const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, "").length;

/** A plain aligned table: a header row, then rows; cells may already be coloured. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(visible(h), ...rows.map((r) => visible(r[i] ?? ""))));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c + " ".repeat(widths[i]! - visible(c)))).join("  ");
  return [bold(line(header)), dim(widths.map((w) => "─".repeat(w)).join("  ")), ...rows.map(line)].join("\n");
}

/** A progress bar on stderr, redrawn at most every 100 ms, only on a terminal. */
export class ProgressBar {
  private last = 0;
  private readonly enabled = process.stderr.isTTY === true;

  update(done: number, total: number, label: string): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 100 && done < total) return;
    this.last = now;
    const width = 30;
    const filled = total > 0 ? Math.round((width * done) / total) : 0;
    const bar = `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
    process.stderr.write(
      `\r\x1b[K${bar} ${done}/${total} ${label}`.slice(0, (process.stderr.columns ?? 100) + 10),
    );
  }

  done(): void {
    if (this.enabled) process.stderr.write("\r\x1b[K");
  }
}
