// Turns pdf.js failures into the short, specific reasons the per-file report shows.
import { IngestError } from "../../types";

export const PASSWORD_PROTECTED = "password-protected";
export const NO_TEXT = "no extractable text — scanned?";

export function corrupt(detail: string): IngestError {
  return new IngestError(`corrupt or truncated PDF: ${detail}`);
}

export function openFailure(error: unknown): IngestError {
  if (error instanceof IngestError) return error;
  const name = (error as { name?: unknown } | null)?.name;
  if (name === "PasswordException") return new IngestError(PASSWORD_PROTECTED, "skipped");
  return corrupt(shortDetail(error));
}

export function shortDetail(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const oneLine = message.replace(/\s+/g, " ").trim().replace(/\.$/, "");
  if (/size is zero bytes|empty/i.test(oneLine)) return "empty file";
  const detail = oneLine.charAt(0).toLowerCase() + oneLine.slice(1);
  return detail.length > 100 ? `${detail.slice(0, 97)}...` : detail || "unreadable";
}
