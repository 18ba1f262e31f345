import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "vitest";
import { buildStaticModel } from "../fixtures/static-model";
import { startFakeOpenAiServer } from "../helpers/fake-openai-server";
import { courseNotes } from "./helpers/course-notes";
import { startModelHub } from "./helpers/model-hub";
import { openScholiaPage } from "./helpers/scholia-page";

it("profiles", async () => {
  const root = await mkdtemp(join(tmpdir(), "prof-"));
  const model = await buildStaticModel(join(root, "model"));
  const hub = await startModelHub({ models: { "a/b": model } });
  const llm = await startFakeOpenAiServer({});
  const s = await openScholiaPage({ llmPort: llm.port, settings: () => ({ embeddingKind: "local", localModel: "a/b" }), modelHost: hub.url,
    textFiles: { "Lecture notes.md": "# x\n\nhello world\n", ...courseNotes(150) }, binaryFiles: {} });
  const cdp = await s.context.newCDPSession(s.page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
  await s.page.evaluate(() => (window as any).scholiaHost.startLongTaskCount());
  await cdp.send("Profiler.start");
  await s.page.evaluate(() => (window as any).scholiaHost.indexVault());
  const { profile } = await cdp.send("Profiler.stop");
  const times = await s.page.evaluate(() => (window as any).scholiaHost.longTaskTimes());
  console.log(JSON.stringify(times));
  // self time per function within long tasks
  const byId = new Map(profile.nodes.map((n: any) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes as any[]) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  let t = profile.startTime;
  const starts = await s.page.evaluate(() => performance.timeOrigin);
  profile.samples!.forEach((id: number, i: number) => {
    t += profile.timeDeltas![i];
    const ms = (t / 1000) - 0; // microseconds since ? monotonic
    const rel = t / 1000;
    void rel; void ms; void starts;
    const n: any = byId.get(id);
    const name = `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.split("/").pop()}:${n.callFrame.lineNumber}:${n.callFrame.columnNumber}`;
    self.set(name, (self.get(name) ?? 0) + profile.timeDeltas![i] / 1000);
    const seen = new Set<string>();
    let cur: number | undefined = id;
    while (cur !== undefined) {
      const m: any = byId.get(cur);
      const nm = `${m.callFrame.functionName || "(anon)"}`;
      if (!seen.has(nm)) { incl.set(nm, (incl.get(nm) ?? 0) + profile.timeDeltas![i] / 1000); seen.add(nm); }
      cur = parent.get(cur);
    }
  });
  console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${v.toFixed(0)} ${k}`).join("\n"));
  console.log("INCL\n" + [...incl].sort((a, b) => b[1] - a[1]).slice(0, 40).map(([k, v]) => `${v.toFixed(0)} ${k}`).join("\n"));
  await s.close(); await hub.close(); await llm.close();
}, 120000);
