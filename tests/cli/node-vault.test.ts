// The CLI's vault on disk follows symbolic links as Obsidian does on the desktop: a folder of papers
// linked into the vault is indexed, a link back up the tree does not loop, a dangling link is skipped,
// and a note edited through a link changes the real note.
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NodeVault } from "../../src/cli/node-vault";

let root: string;
let vault: string;
let outside: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "scholia-node-vault-"));
  vault = join(root, "vault");
  outside = join(root, "library");
  mkdirSync(join(vault, "Notes"), { recursive: true });
  mkdirSync(join(outside, "papers"), { recursive: true });
  writeFileSync(join(vault, "Notes", "own.md"), "# Own\n");
  writeFileSync(join(outside, "papers", "paper.pdf"), "%PDF-1.4 stand-in");
  writeFileSync(join(outside, "reading.md"), "# Reading list\n");
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const paths = async () => (await new NodeVault(vault).list()).map((e) => e.path);

describe("NodeVault and symbolic links", () => {
  it("lists files inside a linked folder and a linked file under their paths in the vault", async () => {
    symlinkSync(join(outside, "papers"), join(vault, "Papers"), "dir");
    symlinkSync(join(outside, "reading.md"), join(vault, "Notes", "reading.md"));
    expect(await paths()).toEqual(["Notes/own.md", "Notes/reading.md", "Papers/paper.pdf"]);
  });

  it("does not loop on a link back up the tree, and skips a dangling link", async () => {
    symlinkSync(vault, join(vault, "Notes", "loop"), "dir");
    symlinkSync(join(root, "missing.md"), join(vault, "Notes", "gone.md"));
    expect(await paths()).toEqual(["Notes/own.md"]);
  });

  it("edits the real note when the note is a link, and keeps the link", async () => {
    const link = join(vault, "Notes", "reading.md");
    symlinkSync(join(outside, "reading.md"), link);
    await new NodeVault(vault).modify("Notes/reading.md", "# Reading list\n\n## Update\n");
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(outside, "reading.md"), "utf8")).toBe("# Reading list\n\n## Update\n");
  });
});
