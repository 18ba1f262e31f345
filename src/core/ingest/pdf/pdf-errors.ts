// Turns pdf.js failures into the short, specific reasons the per-file report shows.
import { IngestError } from "../../types";

export const PASSWORD_PROTECTED = "password-protected";
export const NO_TEXT = "no extractable text — scanned?";

export function corrupt(detail: string): IngestError {
  return new IngestError(`corrupt or truncated PDF: ${detail}`);
}

/** `data`, when given, lets a file that is not a PDF at all (an HTML error page, random bytes) be told
 *  apart from a damaged one: pdf.js reports both as "invalid PDF structure". */
export function openFailure(error: unknown, data?: Uint8Array): IngestError {
  if (error instanceof IngestError) return error;
  const name = (error as { name?: unknown } | null)?.name;
  if (name === "PasswordException") return new IngestError(PASSWORD_PROTECTED, "skipped");
  if (data && !hasPdfHeader(data)) return corrupt("no PDF header — another kind of file saved as .pdf?");
  return corrupt(shortDetail(error));
}

/** PDF readers accept the `%PDF-` header anywhere in the first 1024 bytes. */
function hasPdfHeader(data: Uint8Array): boolean {
  const head = data.subarray(0, 1024);
  for (let i = 0; i + 5 <= head.length; i++) {
    if (head[i] === 0x25 && head[i + 1] === 0x50 && head[i + 2] === 0x44 && head[i + 3] === 0x46 && head[i + 4] === 0x2d) return true;
  }
  return false;
}

export function shortDetail(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const oneLine = message.replace(/\s+/g, " ").trim().replace(/\.$/, "");
  if (/size is zero bytes|empty/i.test(oneLine)) return "empty file";
  const detail = oneLine.charAt(0).toLowerCase() + oneLine.slice(1);
  return detail.length > 100 ? `${detail.slice(0, 97)}...` : detail || "unreadable";
}
