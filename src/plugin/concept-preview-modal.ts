// The concept-note preview: every planned concept with a checkbox, the note it goes to and what will
// happen there, before anything is written. Controls are plain DOM elements so the modal behaves the
// same in the app, under the test mocks and in a bare browser page.
import { Modal, type App } from "obsidian";
import type { ConceptPlan, PlannedConcept, TargetState } from "../core/concepts/types";

/** What writing a concept does to its target, in the user's terms. */
export function targetLabel(state: TargetState): string {
  switch (state) {
    case "new":
      return "New note";
    case "generated":
      return "Regenerate (unchanged since it was generated)";
    case "edited":
      return "Edited by a person: kept as is, an update section is appended";
  }
}

/** "3 of 4 selected: 2 new, 1 regenerated, 0 updated" — what pressing Generate will do. */
export function selectionSummary(plan: ConceptPlan): string {
  const chosen = plan.concepts.filter((c) => c.selected);
  const count = (s: TargetState) => chosen.filter((c) => c.target === s).length;
  return `${chosen.length} of ${plan.concepts.length} selected: ${count("new")} new, ${count("generated")} regenerated, ${count("edited")} updated.`;
}

function planTitle(plan: ConceptPlan): string {
  return plan.origin.kind === "topic" ? `Concept note on "${plan.origin.topic}"` : `Concept notes from ${plan.origin.title || plan.origin.path}`;
}

function modeLine(plan: ConceptPlan): string {
  const where = plan.outFolder ? `into ${plan.outFolder}` : "into the vault root";
  return plan.mode === "llm"
    ? `Written by the language model from cited passages, ${where}.`
    : `No language model is set up: the notes are extracts of the source's own sentences, labelled as such, ${where}.`;
}

export class ConceptPreviewModal extends Modal {
  private generateButton: HTMLButtonElement | null = null;
  private summaryEl: HTMLElement | null = null;
  private statusEl: HTMLElement | null = null;
  private busy = false;

  constructor(
    app: App,
    private readonly plan: ConceptPlan,
    /** Writes the plan's selected concepts; the modal closes when it resolves. */
    private readonly onGenerate: (plan: ConceptPlan) => Promise<void>,
  ) {
    super(app);
  }

  override onOpen(): void {
    const { contentEl, plan } = this;
    contentEl.empty();
    contentEl.addClass("scholia-concepts");
    this.setTitle(planTitle(plan));
    contentEl.createEl("p", { cls: "scholia-muted", text: modeLine(plan) });

    if (plan.warnings.length > 0) {
      const warn = contentEl.createEl("ul", { cls: "scholia-concept-warnings" });
      for (const w of plan.warnings) warn.createEl("li", { text: w });
    }

    if (plan.concepts.length === 0) {
      contentEl.createEl("p", { text: "No concepts were found to write notes about." });
    }
    const list = contentEl.createEl("ul", { cls: "scholia-concept-list" });
    plan.concepts.forEach((c, i) => this.renderConcept(list, c, i));

    this.summaryEl = contentEl.createEl("p", { cls: "scholia-concept-summary" });
    this.statusEl = contentEl.createEl("p", { cls: "scholia-concept-status" });
    this.statusEl.hide();

    const buttons = contentEl.createDiv({ cls: "modal-button-container" });
    const all = buttons.createEl("button", { text: "Select all" });
    all.addEventListener("click", () => this.selectAll(true));
    const none = buttons.createEl("button", { text: "Select none" });
    none.addEventListener("click", () => this.selectAll(false));
    const cancel = buttons.createEl("button", { text: "Cancel" });
    cancel.addEventListener("click", () => this.close());
    this.generateButton = buttons.createEl("button", { text: "Generate", cls: "mod-cta" });
    this.generateButton.addEventListener("click", () => void this.generate());
    this.refresh();
  }

  override onClose(): void {
    this.contentEl.empty();
  }

  private renderConcept(list: HTMLElement, c: PlannedConcept, i: number): void {
    const item = list.createEl("li", { cls: `scholia-concept scholia-concept-${c.target}` });
    const id = `scholia-concept-${i}`;
    const box = item.createEl("input", { type: "checkbox", attr: { id } });
    box.checked = c.selected;
    box.addEventListener("change", () => {
      c.selected = box.checked;
      this.refresh();
    });
    const text = item.createDiv({ cls: "scholia-concept-text" });
    text.createEl("label", { cls: "scholia-concept-title", text: c.title, attr: { for: id } });
    if (c.summary) text.createDiv({ cls: "scholia-concept-gist", text: c.summary });
    const meta = text.createDiv({ cls: "scholia-concept-meta" });
    meta.createSpan({ cls: "scholia-concept-path", text: c.path });
    meta.createSpan({ cls: "scholia-concept-target", text: targetLabel(c.target) });
    meta.createSpan({ cls: "scholia-concept-claims", text: `${c.claims} cited ${c.claims === 1 ? "claim" : "claims"}` });
  }

  private selectAll(selected: boolean): void {
    for (const c of this.plan.concepts) c.selected = selected;
    this.contentEl.querySelectorAll<HTMLInputElement>(".scholia-concept-list input[type=checkbox]").forEach((box) => (box.checked = selected));
    this.refresh();
  }

  private refresh(): void {
    this.summaryEl?.setText(selectionSummary(this.plan));
    if (this.generateButton) this.generateButton.disabled = this.busy || !this.plan.concepts.some((c) => c.selected);
  }

  private async generate(): Promise<void> {
    if (this.busy || !this.plan.concepts.some((c) => c.selected)) return;
    this.busy = true;
    this.refresh();
    this.statusEl?.show();
    this.statusEl?.setText("Writing the notes…");
    try {
      await this.onGenerate(this.plan);
      this.close();
    } catch (e) {
      this.busy = false;
      this.statusEl?.setText(e instanceof Error && e.message ? e.message : "The notes could not be written.");
      this.statusEl?.addClass("scholia-error");
      this.refresh();
    }
  }
}
