// "Show the index report": every file the indexer has seen, its status and the reason, failures first.
import { Modal, type App } from "obsidian";
import type { FileReport, FileStatus } from "../core/types";

const ORDER: Record<FileStatus, number> = { failed: 0, skipped: 1, indexed: 2, unchanged: 3 };

export class IndexReportModal extends Modal {
  constructor(
    app: App,
    private readonly files: FileReport[],
  ) {
    super(app);
  }

  override onOpen(): void {
    const { contentEl } = this;
    contentEl.empty();
    contentEl.addClass("scholia-report");
    this.setTitle("Index report");
    const counts: Record<FileStatus, number> = { indexed: 0, unchanged: 0, skipped: 0, failed: 0 };
    let chunks = 0;
    for (const f of this.files) {
      counts[f.status]++;
      chunks += f.chunks;
    }
    contentEl.createEl("p", {
      text: `${this.files.length} files: ${counts.indexed + counts.unchanged} indexed, ${counts.skipped} skipped, ${counts.failed} failed; ${chunks} passages.`,
    });
    if (this.files.length === 0) {
      contentEl.createEl("p", { text: "Nothing has been indexed yet. Run the command to index the vault.", cls: "scholia-muted" });
      return;
    }
    const table = contentEl.createEl("table", { cls: "scholia-report-table" });
    const head = table.createEl("thead").createEl("tr");
    for (const h of ["File", "Status", "Passages", "Reason"]) head.createEl("th", { text: h });
    const body = table.createEl("tbody");
    const sorted = [...this.files].sort((a, b) => ORDER[a.status] - ORDER[b.status] || a.path.localeCompare(b.path));
    for (const f of sorted) {
      const row = body.createEl("tr", { cls: `scholia-status-${f.status}` });
      row.createEl("td", { text: f.path });
      row.createEl("td", { text: f.status });
      row.createEl("td", { text: String(f.chunks) });
      row.createEl("td", { text: f.reason ?? "" });
    }
  }

  override onClose(): void {
    this.contentEl.empty();
  }
}
