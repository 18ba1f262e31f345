// Runs the `scholia` command as a user does: src/cli/main.ts bundled with the options of the `cli` build
// in esbuild.config.mjs, then `node cli.js …` in a child process. No prior `npm run build` is needed.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import * as path from "node:path";
import * as esbuild from "esbuild";
import { bundleCli } from "../../helpers/cli-bundle";

export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
/** Scratch space inside the repository (git-ignored), so the bundle resolves node_modules from here. */
export const TMP_ROOT = path.join(REPO_ROOT, "tests", "cli", ".tmp");

const created: string[] = [];

/** Removes the bundles and folders this test file created (set SCHOLIA_KEEP_TMP=1 to inspect them).
 *  Call it from afterAll: a bundle left behind would be linted with the sources. */
export function removeTemporaryFiles(): void {
  if (process.env.SCHOLIA_KEEP_TMP) return;
  for (const p of created.splice(0)) rmSync(p, { recursive: true, force: true });
}

/** Bundles the CLI into `.tmp/<name>.cli.js`. Each test file passes its own name, so parallel workers
 *  never execute a bundle another worker is still writing. */
export async function buildCli(name: string): Promise<string> {
  mkdirSync(TMP_ROOT, { recursive: true });
  const outfile = path.join(TMP_ROOT, `${name}.cli.js`);
  created.push(outfile);
  return bundleCli(esbuild, REPO_ROOT, outfile);
}

/** A fresh empty folder under `.tmp`, e.g. for a vault or a model. */
export function tempDir(prefix: string): string {
  mkdirSync(TMP_ROOT, { recursive: true });
  const dir = mkdtempSync(path.join(TMP_ROOT, `${prefix}-`));
  created.push(dir);
  return dir;
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Extra environment; `undefined` removes a variable. OPENAI_API_KEY is removed unless given. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  timeoutMs?: number;
}

export function runCli(cli: string, args: string[], opts: RunOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1", SCHOLIA_DEBUG: undefined, OPENAI_API_KEY: undefined, ...opts.env };
    for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
    const child = spawn(process.execPath, [cli, ...args], { cwd: opts.cwd ?? REPO_ROOT, stdio: ["ignore", "pipe", "pipe"], env });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 50_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** What a failed run printed, for assertion messages. */
export function describeRun(run: CliRun): string {
  return `exit ${String(run.code)}\n--- stdout ---\n${run.stdout.slice(0, 3000)}\n--- stderr ---\n${run.stderr.slice(0, 3000)}`;
}

/** The single JSON document a `--json` command prints: stdout must parse as exactly one value. */
export function parseJson<T>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`stdout is not one JSON document:\n${describeRun(run)}`);
  }
}

/** JSON Lines: every non-empty line parses on its own. */
export function parseJsonLines<T>(run: CliRun): T[] {
  const lines = run.stdout.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines.map((line, i) => {
    try {
      return JSON.parse(line) as T;
    } catch {
      throw new Error(`stdout line ${i + 1} is not JSON: ${line.slice(0, 200)}\n${describeRun(run)}`);
    }
  });
}

/** Exit 1 with exactly one line on stderr that says why (no stack trace), nothing on stdout. */
export function expectOneLineFailure(run: CliRun): string {
  const lines = run.stderr.split("\n").filter((l) => l.trim() !== "");
  if (run.code !== 1 || lines.length !== 1 || run.stdout !== "" || /^\s+at /m.test(run.stderr)) {
    throw new Error(`expected exit 1 with one line on stderr and nothing on stdout:\n${describeRun(run)}`);
  }
  return lines[0];
}
