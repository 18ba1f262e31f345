// Runs the real `scholia` command the way a user does: src/cli/main.ts bundled by esbuild with the
// options of the `cli` build in esbuild.config.mjs, then `node cli.js …` in a child process. Tests and
// scripts/torture.ts share it, so every figure comes from the shipped code path.
import { seededRandom } from "../helpers/seeded-random";
export { seededRandom };
import { bundleCli } from "../helpers/cli-bundle";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { createRequire } from "node:module";

/** The checkout this code runs from: found by walking up to src/cli/main.ts, because the same module
 *  runs from tests/reliability under Vitest and bundled into dist/ by scripts/torture.ts. */
export const REPO_ROOT = findRepoRoot();

function findRepoRoot(): string {
  for (const start of [__dirname, process.cwd()]) {
    let dir = path.resolve(start);
    for (;;) {
      if (existsSync(path.join(dir, "src", "cli", "main.ts"))) return dir;
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new Error("Run this from a Scholia checkout: src/cli/main.ts was not found above the current folder.");
}
/** Scratch space inside the repository (git-ignored): the bundle must resolve node_modules from here. */
export const TMP_ROOT = path.join(REPO_ROOT, "tests", "reliability", ".tmp");

/** Bundles the CLI into `TMP_ROOT/<name>` and returns its path. Each test file uses its own name so
 *  parallel workers never read a half-written bundle. */
export async function buildCli(name: string): Promise<string> {
  mkdirSync(TMP_ROOT, { recursive: true });
  const outfile = path.join(TMP_ROOT, name);
  // Loaded from the checkout at run time, so that scripts/torture.ts (itself bundled) does not bundle esbuild.
  const esbuild = createRequire(path.join(REPO_ROOT, "package.json"))("esbuild") as typeof import("esbuild");
  return bundleCli(esbuild, REPO_ROOT, outfile);
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** Peak resident set size of the child in KiB, when measured (see `measureRss`). */
  maxRssKb?: number;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  /** SIGKILL the child this many ms after it starts. */
  killAfterMs?: number;
  /** Give up (SIGKILL) after this long; the run then reports signal SIGKILL. */
  timeoutMs?: number;
  /** Record the child's peak RSS through a preloaded exit hook. */
  measureRss?: boolean;
  /** SIGKILL the child when this settles (e.g. when a watcher sees it writing). */
  killOn?: Promise<unknown>;
}

const RSS_HOOK = path.join(TMP_ROOT, "rss-hook.cjs");

function rssHook(): string {
  if (!existsSync(RSS_HOOK)) {
    mkdirSync(TMP_ROOT, { recursive: true });
    // maxRSS is in KiB on every platform Node supports.
    writeFileSync(
      RSS_HOOK,
      `process.on("exit", () => { try { require("node:fs").writeFileSync(process.env.SCHOLIA_RSS_FILE, String(process.resourceUsage().maxRSS)); } catch {} });\n`,
    );
  }
  return RSS_HOOK;
}

let rssCounter = 0;

export function runCli(cli: string, args: string[], opts: RunOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1", SCHOLIA_DEBUG: undefined, OPENAI_API_KEY: undefined, ...opts.env };
    let rssFile: string | undefined;
    if (opts.measureRss) {
      rssFile = path.join(TMP_ROOT, `rss-${process.pid}-${rssCounter++}.txt`);
      env.SCHOLIA_RSS_FILE = rssFile;
      env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ""} --require "${rssHook()}"`.trim();
    }
    const started = Date.now();
    const child = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "pipe", "pipe"], env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timers: ReturnType<typeof setTimeout>[] = [];
    if (opts.killAfterMs !== undefined) timers.push(setTimeout(() => child.kill("SIGKILL"), opts.killAfterMs));
    if (opts.timeoutMs !== undefined) timers.push(setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs));
    void opts.killOn?.then(() => child.kill("SIGKILL"));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      for (const t of timers) clearTimeout(t);
      const run: CliRun = { code, signal, stdout, stderr, ms: Date.now() - started };
      if (rssFile && existsSync(rssFile)) {
        run.maxRssKb = Number(readFileSync(rssFile, "utf8"));
        rmSync(rssFile, { force: true });
      }
      resolve(run);
    });
  });
}

/** Parses the single JSON document a `--json` command prints; throws with the output when it is not. */
export function parseJson<T>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`expected one JSON document on stdout (exit ${String(run.code)}):\n${run.stdout.slice(0, 2000)}\nstderr:\n${run.stderr.slice(0, 2000)}`);
  }
}

export interface IndexReport {
  files: { path: string; status: "indexed" | "unchanged" | "skipped" | "failed"; chunks: number; reason?: string }[];
  totals: { indexed: number; unchanged: number; skipped: number; failed: number; chunks: number };
  model: string | null;
}

/** Every file under `dir` (recursively) → sha256 of its bytes: compare two snapshots to prove that a
 *  command left a folder byte-identical. */
export function snapshotDir(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const abs = path.join(d, e.name);
      if (e.isDirectory()) walk(abs);
      else if (e.isFile()) out.set(path.relative(dir, abs).split(path.sep).join("/"), createHash("sha256").update(readFileSync(abs)).digest("hex"));
    }
  };
  walk(dir);
  return out;
}

/** Paths added, removed or changed between two snapshots (empty when identical). */
export function diffSnapshots(before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [p, h] of before) if (!after.has(p)) out.push(`removed ${p}`);
  else if (after.get(p) !== h) out.push(`changed ${p}`);
  for (const p of after.keys()) if (!before.has(p)) out.push(`added ${p}`);
  return out.sort();
}

/** Every regular file under `dir`, vault-relative, for comparing against index reports. */
export function listFilesRecursive(dir: string, skipDotDirs = true): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (skipDotDirs && e.name.startsWith(".")) continue;
      const abs = path.join(d, e.name);
      if (e.isDirectory()) walk(abs);
      else if (e.isFile() && statSync(abs).isFile()) out.push(path.relative(dir, abs).split(path.sep).join("/"));
    }
  };
  walk(dir);
  return out.sort();
}

/** The default index folder of a vault (the CLI contract). */
export function indexDirOf(vault: string): string {
  return path.join(vault, ".obsidian", "plugins", "scholia", "index");
}

/** A stack-trace line as Node prints it ("    at fn (file.js:1:2)"). */
export const STACK_LINE = /^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>)$/m;

