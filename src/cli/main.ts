// Entry point of the `corridor` command: dispatches to one module per command.
export async function main(argv: readonly string[]): Promise<number> {
  process.stdout.write(`corridor: ${argv.join(" ")}\n`);
  return 0;
}
