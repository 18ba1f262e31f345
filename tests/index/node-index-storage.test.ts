import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { NodeIndexStorage } from "../../src/cli/node-index-storage";

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), "scholia-storage-"));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("node index storage", () => {
  it("creates its folder on first write and reads back exactly what was written", async () => {
    const dir = path.join(tempDir(), "nested", ".scholia");
    const s = new NodeIndexStorage(dir);
    expect(await s.read("a.bin")).toBeNull();
    expect(await s.list()).toEqual([]);
    await s.writeAtomic("a.bin", new Uint8Array([1, 2, 3]));
    await s.writeAtomic("a.bin", new Uint8Array([4, 5]));
    expect(Array.from((await s.read("a.bin"))!)).toEqual([4, 5]);
    expect(await s.list()).toEqual(["a.bin"]);
    // No temporary file is left behind after a completed write.
    expect(readdirSync(dir)).toEqual(["a.bin"]);
    await s.remove("a.bin");
    await s.remove("a.bin");
    expect(await s.list()).toEqual([]);
  });

  it("lists only files and refuses names that would leave its folder", async () => {
    const dir = tempDir();
    const s = new NodeIndexStorage(dir);
    writeFileSync(path.join(dir, "x.bin"), "x");
    await s.writeAtomic("y.bin", new Uint8Array(1));
    expect(await s.list()).toEqual(["x.bin", "y.bin"]);
    await expect(s.writeAtomic("../escape.bin", new Uint8Array(1))).rejects.toThrow(/Invalid index file name/u);
    await expect(s.read("sub/x.bin")).rejects.toThrow(/Invalid index file name/u);
  });
});
