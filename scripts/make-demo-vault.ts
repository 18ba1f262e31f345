// Writes the demo vault: a generated paper PDF, linked notes and a lecture transcript.
//   node dist/make-demo-vault.js <dir>
// Never overwrites a person's work: a manifest records what this script wrote, and a file is only
// rewritten when it still holds exactly that content. Files that already match are left untouched.
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { demoPaperSpec } from "./demo-paper";
import { DEMO_NOTES, DEMO_PDF_PATH } from "./demo-notes";
import { typesetPaper } from "./paper-pdf";

const MANIFEST = ".scholia-demo.json";

export interface DemoVaultReport {
  created: string[];
  updated: string[];
  unchanged: string[];
  /** Files that exist but were not written by this script, or were edited since: left as they are. */
  kept: string[];
}

export async function writeDemoVault(dir: string): Promise<void> {
  await writeDemoVaultReport(dir);
}

export async function writeDemoVaultReport(dir: string): Promise<DemoVaultReport> {
  const files = new Map<string, Uint8Array>();
  files.set(DEMO_PDF_PATH, (await typesetPaper(demoPaperSpec())).bytes);
  for (const [path, text] of Object.entries(DEMO_NOTES)) files.set(path, new TextEncoder().encode(text));

  await mkdir(dir, { recursive: true });
  const manifest = await readManifest(dir);
  const report: DemoVaultReport = { created: [], updated: [], unchanged: [], kept: [] };
  for (const [path, bytes] of files) {
    const target = join(dir, ...path.split("/"));
    const existing = await readFile(target).catch(() => null);
    const wanted = sha256(bytes);
    if (existing === null) {
      await writeAtomic(target, bytes);
      report.created.push(path);
    } else if (sha256(existing) === wanted) {
      report.unchanged.push(path);
    } else if (manifest[path] === sha256(existing)) {
      await writeAtomic(target, bytes);
      report.updated.push(path);
    } else {
      report.kept.push(path);
      continue;
    }
    manifest[path] = wanted;
  }
  await writeAtomic(join(dir, MANIFEST), new TextEncoder().encode(JSON.stringify(manifest, null, 2) + "\n"));
  return report;
}

async function readManifest(dir: string): Promise<Record<string, string>> {
  try {
    const parsed: unknown = JSON.parse(await readFile(join(dir, MANIFEST), "utf8"));
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
      return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === "string"));
    }
  } catch {
    // No manifest yet (or an unreadable one): nothing here counts as written by us.
  }
  return {};
}

async function writeAtomic(path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

async function main(argv: string[]): Promise<number> {
  const dir = argv[0];
  if (!dir || argv.length > 1 || dir.startsWith("-")) {
    process.stderr.write("usage: node dist/make-demo-vault.js <dir>\n");
    return 2;
  }
  const report = await writeDemoVaultReport(resolve(dir));
  const parts = [
    `${report.created.length} created`,
    `${report.updated.length} updated`,
    `${report.unchanged.length} unchanged`,
  ];
  if (report.kept.length > 0) parts.push(`${report.kept.length} kept because they were edited: ${report.kept.join(", ")}`);
  process.stdout.write(`Demo vault in ${dir}: ${parts.join(", ")}\n`);
  return 0;
}

if (typeof require !== "undefined" && typeof module !== "undefined" && require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`make-demo-vault: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
