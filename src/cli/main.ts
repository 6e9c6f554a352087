// Entry point of the `corridor` command: dispatches to one module per command.

import { readFileSync } from "node:fs";
import { UsageError } from "./args.js";
import { AUDIT_HELP, auditCommand } from "./audit.js";
import { BOUNCER_HELP, bouncerCommand, DECISIONS_HELP, decisionsCommand } from "./bouncer.js";
import { DEMO_HELP, demoCommand } from "./demo.js";
import { HUNT_HELP, huntCommand } from "./hunt.js";
import { KEYS_HELP, keysCommand } from "./keys.js";
import { NODE_HELP, nodeCommand } from "./node.js";
import { PARTNER_HELP, partnerCommand } from "./partner.js";
import { RULES_CHECK_HELP, rulesCheck } from "./rules-check.js";
import { SHARE_HELP, shareCommand } from "./share.js";
import { TOKEN_HELP, tokenCommand } from "./token.js";

const HELP = `Corridor: a joint Cyber Defense Centre for trusted national cloud operators.

Usage: corridor <command> [options]

Commands:
  demo [--once] [--format json]          two paired nodes (fr, de) and the sample attack through them
  hunt <path>... --rules <dir|file>...   run Sigma rules over log files (.json .jsonl .gz .evtx)
  rules check <dir|file>...              load rules and report every problem
  node [--config FILE] [--role ROLE]     run a node: ingest, detection, incidents, API
  token create|list|revoke               API tokens (stored hashed)
  audit verify                           check the audit log's hash chain
  keys init|show                         the node's Ed25519 signing key pair
  partner add|list|remove                pin a partner node's key, with its sharing policy
  share export|import                    STIX 2.1 bundles on files (OpenCTI, MISP by hand)
  bouncer add|list|delete                CrowdSec bouncers of the decision stream (prints a key)
  decisions add|list|delete              perimeter block decisions by hand
  help [command]                         help for a command

Options:
  -h, --help       help (also after any command)
  -v, --version    the version

Run 'corridor <command> --help' for a command's options.`;

const version = (): string =>
  (JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string })
    .version;

const COMMANDS: Record<string, { help: string; run: (argv: readonly string[]) => Promise<number> }> = {
  demo: { help: DEMO_HELP, run: demoCommand },
  hunt: { help: HUNT_HELP, run: huntCommand },
  "rules check": { help: RULES_CHECK_HELP, run: rulesCheck },
  node: { help: NODE_HELP, run: nodeCommand },
  token: { help: TOKEN_HELP, run: tokenCommand },
  audit: { help: AUDIT_HELP, run: auditCommand },
  keys: { help: KEYS_HELP, run: keysCommand },
  partner: { help: PARTNER_HELP, run: partnerCommand },
  share: { help: SHARE_HELP, run: (argv) => shareCommand(argv) },
  bouncer: { help: BOUNCER_HELP, run: bouncerCommand },
  decisions: { help: DECISIONS_HELP, run: decisionsCommand },
};

export async function main(argv: readonly string[]): Promise<number> {
  const [first, second, ...rest] = argv;
  if (first === undefined || first === "-h" || first === "--help") {
    process.stdout.write(`${HELP}\n`);
    return first === undefined ? 2 : 0;
  }
  if (first === "-v" || first === "--version") {
    process.stdout.write(`corridor ${version()}\n`);
    return 0;
  }
  if (first === "help") {
    const topic = [second, ...rest].filter(Boolean).join(" ");
    process.stdout.write(`${COMMANDS[topic]?.help ?? HELP}\n`);
    return 0;
  }
  const two = `${first} ${second ?? ""}`;
  const [name, args] = COMMANDS[two] ? [two, rest] : [first, argv.slice(1)];
  const command = COMMANDS[name];
  if (!command) {
    const hint =
      first === "rules" ? "did you mean 'corridor rules check'?" : "run 'corridor --help' for the list";
    process.stderr.write(
      `corridor: unknown command '${[first, second].filter(Boolean).join(" ")}': ${hint}\n`,
    );
    return 2;
  }
  try {
    return await command.run(args);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`corridor ${name}: ${e.message}\nRun 'corridor ${name} --help' for usage.\n`);
      return 2;
    }
    throw e;
  }
}
