// Putting an answer into the vault: at the cursor of the note the user was last editing, or as a new
// note whose name is free (an existing note is never overwritten).
import { normalizePath, type App, type Editor } from "obsidian";

const MAX_NAME = 80;

/** A file name from a question: no characters that are illegal in paths or links, bounded length. */
export function noteNameFor(question: string): string {
  const cleaned = question
    .replace(/[\\/:*?"<>|#^[\]]/g, " ")
    // eslint-disable-next-line no-control-regex -- control characters are what is being removed
    .replace(/[\u0000-\u001f\u007f]/g, "")
    .replace(/\s+/g, " ")
    .replace(/^[.\s]+|[.\s]+$/g, "")
    .trim();
  const short = cleaned.length > MAX_NAME ? cleaned.slice(0, MAX_NAME).replace(/\s+\S*$/, "") : cleaned;
  return short || "Scholia answer";
}

/** The first `folder/name.md`, `folder/name 2.md`, … that does not exist yet. */
export function freeNotePath(app: App, folder: string, name: string): string {
  const base = folder.trim() === "" ? name : `${folder}/${name}`;
  for (let i = 1; ; i++) {
    const candidate = normalizePath(i === 1 ? `${base}.md` : `${base} ${i}.md`);
    if (!app.vault.getAbstractFileByPath(candidate)) return candidate;
  }
}

export function answerNoteText(question: string, answer: string): string {
  return `> [!question] ${question.replace(/\n+/g, " ")}\n\n${answer.trim()}\n`;
}

/** Creates the note and returns its path; retries with the next free name if one appeared meanwhile.
 *  `answerFor` writes the answer for the note's path (its links are relative to where it lands). */
export async function saveAnswerAsNote(app: App, folder: string, question: string, answerFor: (path: string) => string): Promise<string> {
  const name = noteNameFor(question);
  const parent = normalizePath(folder);
  if (parent !== "/" && parent !== "" && !app.vault.getAbstractFileByPath(parent)) await app.vault.createFolder(parent);
  for (let attempt = 0; attempt < 5; attempt++) {
    const path = freeNotePath(app, parent === "/" ? "" : parent, name);
    try {
      await app.vault.create(path, answerNoteText(question, answerFor(path)));
      return path;
    } catch (e) {
      if (!app.vault.getAbstractFileByPath(path)) throw e;
    }
  }
  throw new Error("Could not find a free note name; nothing was saved.");
}

/** Inserts at the cursor (replacing a selection), on its own paragraph. */
export function insertAnswer(editor: Editor, answer: string): void {
  const cursor = editor.getCursor("from");
  const lineText = editor.getLine(cursor.line);
  const before = lineText.slice(0, cursor.ch).trim() === "" ? "" : "\n\n";
  editor.replaceSelection(`${before}${answer.trim()}\n`);
}
