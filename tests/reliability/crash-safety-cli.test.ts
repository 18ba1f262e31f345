// SIGKILLs `scholia index` at random moments while it writes, SCHOLIA_TORTURE_TRIALS times (20 by
// default; scripts/torture.ts runs 200+). The store's own kill test (tests/index/crash-safety.test.ts)
// kills a bare writer; this one goes through the whole command: reading, embedding, saving, rebuilding.
import { mkdtempSync, rmSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli, TMP_ROOT } from "./cli-harness";
import { runCrashTrials } from "./crash-trials";

const TRIALS = Number(process.env.SCHOLIA_TORTURE_TRIALS ?? "20");
let cli: string;
let work: string;

beforeAll(async () => {
  cli = await buildCli("cli-crash.js");
  work = mkdtempSync(path.join(TMP_ROOT, "crash-"));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe("killing `scholia index` mid-run", () => {
  it(`${TRIALS} kills: the index always opens consistent, search works, and the next run completes with the vault's totals`, async () => {
    const figures = await runCrashTrials({ cli, work, trials: TRIALS, notes: 200, pdfs: 2, pdfPages: 20 });
    console.log(
      `CLI crash trials: ${figures.trials} trials, ${figures.trials - figures.finishedBeforeKill} kills, ${figures.killedMidSave} inside a save (${figures.killedMidWrite} mid-file), ${figures.killedBeforeFirstSave} before the first save, ${figures.finishedBeforeKill} finished first, ` +
        `${figures.crashes} crashes, ${figures.inconsistencies} inconsistent, ${figures.vectorsChecked} vectors checked, ${(figures.ms / 1000).toFixed(0)} s`,
    );
    expect(figures.problems).toEqual([]);
    expect(figures.crashes).toBe(0);
    expect(figures.trials).toBe(TRIALS);
    expect(figures.vectorsChecked).toBeGreaterThan(0);
    // Kills must land inside saves for the test to mean anything.
    expect(figures.killedMidSave).toBeGreaterThan(0);
    // Temporary files from killed writes are cleaned by the next save and never pile up.
    expect(figures.maxTempFiles).toBeLessThanOrEqual(4);
  }, 600_000);
});
