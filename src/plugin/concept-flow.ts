// The concept-note workflow the commands and the file menu share: plan, show the preview, write what
// stays ticked, then say what happened with links to open the notes.
import { Notice, type App } from "obsidian";
import type { ConceptPlan } from "../core/concepts/types";
import { ConceptPreviewModal } from "./concept-preview-modal";
import type { ConceptNoteOutcome, ConceptService } from "./services";

function messageOf(e: unknown): string {
  return e instanceof Error && e.message ? e.message : String(e);
}

/** "2 created, 1 updated, 3 skipped" plus a link per written note. */
export function outcomeFragment(outcomes: ConceptNoteOutcome[], open: (path: string) => void): DocumentFragment {
  const count = (a: ConceptNoteOutcome["action"]) => outcomes.filter((o) => o.action === a).length;
  return createFragment((f) => {
    f.createDiv({ text: `Concept notes: ${count("created")} created, ${count("updated")} updated, ${count("skipped")} skipped.` });
    const written = outcomes.filter((o) => o.action !== "skipped");
    if (written.length === 0) return;
    const list = f.createEl("ul", { cls: "scholia-concept-outcomes" });
    for (const o of written) {
      const item = list.createEl("li");
      const a = item.createEl("a", { text: o.title, href: "#", cls: "scholia-concept-open", attr: { "data-path": o.path } });
      a.addEventListener("click", (e) => {
        e.preventDefault();
        open(o.path);
      });
      item.appendText(o.action === "updated" ? " (update appended)" : "");
    }
  });
}

/** Opens the preview for a plan; Generate writes the ticked concepts and reports the outcome. */
export function showConceptPreview(app: App, concepts: ConceptService, plan: ConceptPlan): ConceptPreviewModal {
  const modal = new ConceptPreviewModal(app, plan, async (chosen) => {
    const outcomes = await concepts.generate(chosen);
    new Notice(
      outcomeFragment(outcomes, (path) => void app.workspace.openLinkText(path, "", false)),
      10_000,
    );
  });
  modal.open();
  return modal;
}

async function planThenPreview(app: App, concepts: ConceptService, what: string, plan: () => Promise<ConceptPlan>): Promise<ConceptPreviewModal | null> {
  const working = new Notice(`Finding concepts in ${what}…`, 0);
  try {
    const p = await plan();
    working.hide();
    if (p.concepts.length === 0) {
      new Notice(p.warnings[0] ?? `No concepts were found in ${what}.`);
      return null;
    }
    return showConceptPreview(app, concepts, p);
  } catch (e) {
    working.hide();
    new Notice(`Could not plan concept notes: ${messageOf(e)}`);
    return null;
  }
}

export function previewConceptsFromFile(app: App, concepts: ConceptService, path: string): Promise<ConceptPreviewModal | null> {
  const name = path.slice(path.lastIndexOf("/") + 1);
  return planThenPreview(app, concepts, name, () => concepts.planFromFile(path));
}

export function previewTopicNote(app: App, concepts: ConceptService, topic: string): Promise<ConceptPreviewModal | null> {
  return planThenPreview(app, concepts, `the vault on "${topic}"`, () => concepts.planTopic(topic));
}
