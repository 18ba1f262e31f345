// The headless `scholia` command. Contract: ../shared/docs/cli.md — stdout carries results only
// (JSON with --json), progress and notices go to stderr, exit codes 0 done / 1 failed / 2 bad usage.
import { parseCli, UsageError, USAGE } from "./args";
import { runCommand } from "./run-command";
import { oneLine } from "./output";

async function main(): Promise<number> {
  let options;
  try {
    options = parseCli(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      if (e.message) process.stderr.write(`scholia: ${e.message}\n\n`);
      process.stderr.write(USAGE);
      return e.message ? 2 : 0;
    }
    throw e;
  }
  try {
    return await runCommand(options);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`scholia: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`scholia: ${oneLine(e)}\n`);
    if (process.env.SCHOLIA_DEBUG && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    return 1;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`scholia: ${oneLine(e)}\n`);
    process.exitCode = 1;
  },
);
