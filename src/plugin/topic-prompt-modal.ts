// "Generate concept note on a topic…": asks for the topic in a one-line prompt (Enter confirms).
import { Modal, type App } from "obsidian";

export class TopicPromptModal extends Modal {
  constructor(
    app: App,
    private readonly onSubmit: (topic: string) => void,
  ) {
    super(app);
  }

  override onOpen(): void {
    const { contentEl } = this;
    contentEl.empty();
    contentEl.addClass("scholia-topic-prompt");
    this.setTitle("Concept note on a topic");
    contentEl.createEl("p", {
      cls: "scholia-muted",
      text: "Evidence is gathered from the whole vault; the preview shows the note before it is written.",
    });
    const input = contentEl.createEl("input", { type: "text", cls: "scholia-topic-input", attr: { placeholder: "Topic, for example positional encoding", "aria-label": "Topic" } });
    const error = contentEl.createEl("p", { cls: "scholia-error" });
    error.hide();
    const buttons = contentEl.createDiv({ cls: "modal-button-container" });
    const cancel = buttons.createEl("button", { text: "Cancel" });
    cancel.addEventListener("click", () => this.close());
    const ok = buttons.createEl("button", { text: "Preview", cls: "mod-cta" });
    const submit = () => {
      const topic = input.value.replace(/\s+/g, " ").trim();
      if (topic === "") {
        error.setText("Name a topic first.");
        error.show();
        return;
      }
      this.close();
      this.onSubmit(topic);
    };
    ok.addEventListener("click", submit);
    input.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.isComposing) {
        e.preventDefault();
        submit();
      }
    });
    input.focus();
  }

  override onClose(): void {
    this.contentEl.empty();
  }
}
