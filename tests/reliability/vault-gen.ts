// A vault big enough that indexing takes a few seconds: seeded notes with headings, paragraphs, tags
// and a few transcripts, plus generated multi-page PDFs. `mutateVault` changes it between runs so every
// indexing run has real work (new, edited, moved and deleted files).
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { makeManyPagesPdf } from "../fixtures/pdf-fixtures";
import { seededRandom } from "./cli-harness";

const WORDS = (
  "gradient descent attention layer corpus embedding retrieval citation transformer dataset convolution " +
  "recurrent memory latency benchmark ablation baseline optimizer momentum dropout regularization token " +
  "vocabulary sentence paragraph lecture theorem proof lemma entropy probability variance estimator kernel"
).split(" ");

export function noteText(rand: () => number, id: number, version = 0): string {
  const word = () => WORDS[Math.floor(rand() * WORDS.length)];
  const sentence = () => `${Array.from({ length: 8 + Math.floor(rand() * 10) }, word).join(" ")}.`;
  const lines = [`---`, `title: Note ${id}`, `tags: [topic${id % 7}]`, `---`, "", `# Note ${id} version ${version}`, ""];
  const sections = 1 + Math.floor(rand() * 4);
  for (let s = 0; s < sections; s++) {
    lines.push(`## Part ${s + 1}`, "");
    for (let p = 0; p < 1 + Math.floor(rand() * 4); p++) lines.push(Array.from({ length: 3 + Math.floor(rand() * 5) }, sentence).join(" "), "");
  }
  lines.push(`Unique marker note${id}v${version} ends here.`, "");
  return lines.join("\n");
}

function transcriptText(id: number): string {
  const lines = [`# Lecture ${id}`, "", "https://www.youtube.com/watch?v=dQw4w9WgXcQ", ""];
  for (let i = 0; i < 60; i++) lines.push(`[${String(Math.floor(i / 2)).padStart(2, "0")}:${String((i % 2) * 30).padStart(2, "0")}] lecture ${id} line ${i} about ${WORDS[i % WORDS.length]}`);
  return lines.join("\n") + "\n";
}

export interface GeneratedVault {
  notes: number;
  pdfs: number;
}

export async function generateVault(dir: string, opts: { seed: number; notes: number; pdfs: number; pdfPages: number }): Promise<GeneratedVault> {
  const rand = seededRandom(opts.seed);
  for (let i = 0; i < opts.notes; i++) {
    const folder = path.join(dir, `Notes/Folder${i % 10}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, `note-${i}.md`), i % 25 === 24 ? transcriptText(i) : noteText(rand, i));
  }
  mkdirSync(path.join(dir, "Papers"), { recursive: true });
  const pdf = await makeManyPagesPdf(opts.pdfPages);
  for (let i = 0; i < opts.pdfs; i++) writeFileSync(path.join(dir, "Papers", `paper-${i}.pdf`), pdf);
  return { notes: opts.notes, pdfs: opts.pdfs };
}

/** Edits, adds, moves and deletes notes: what a person does between two indexing runs. */
export function mutateVault(dir: string, seed: number, trial: number): void {
  const rand = seededRandom(seed);
  const notes: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith(".")) continue;
      const abs = path.join(d, e.name);
      if (e.isDirectory()) walk(abs);
      else if (e.name.endsWith(".md")) notes.push(abs);
    }
  };
  walk(path.join(dir, "Notes"));
  notes.sort();
  const pick = () => notes[Math.floor(rand() * notes.length)];
  for (let i = 0; i < Math.max(1, Math.floor(notes.length * 0.3)); i++) {
    const p = pick();
    if (existsSync(p)) writeFileSync(p, noteText(rand, 100_000 + trial * 1000 + i, trial));
  }
  const added = path.join(dir, "Notes", `Added${trial % 5}`);
  mkdirSync(added, { recursive: true });
  for (let i = 0; i < 5; i++) writeFileSync(path.join(added, `new-${trial}-${i}.md`), noteText(rand, 200_000 + trial * 10 + i, trial));
  const moved = pick();
  if (existsSync(moved)) renameSync(moved, moved.replace(/\.md$/, `-moved${trial}.md`));
  const gone = pick();
  if (existsSync(gone)) rmSync(gone);
}
