// Notes arrive as bytes (the vault API and the CLI both read binary). Decoding here, once, lets the
// ingester tell a text file from binary junk that merely carries a `.md` name.

import { IngestError } from "../../types";

/** How much of the file is inspected to decide text vs binary; enough for any real header. */
const SNIFF_CHARS = 65_536;
/** Share of NUL / control / undecodable characters above which a file is not text. Real notes
 *  have none; random bytes decoded as UTF-8 produce 30–60 %. */
const BINARY_RATIO = 0.05;

/**
 * Decodes note bytes: UTF-8 (BOM stripped), or UTF-16 LE/BE when a BOM says so. Throws
 * IngestError("not a text file (binary content)") for binary data. Stray NUL characters in an
 * otherwise textual file are removed rather than kept, since they break downstream stores.
 */
export function decodeText(data: Uint8Array): string {
  let text: string;
  if (data.length >= 2 && data[0] === 0xff && data[1] === 0xfe) {
    text = new TextDecoder("utf-16le").decode(data.subarray(2));
  } else if (data.length >= 2 && data[0] === 0xfe && data[1] === 0xff) {
    text = new TextDecoder("utf-16be").decode(data.subarray(2));
  } else {
    const start = data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf ? 3 : 0;
    text = new TextDecoder("utf-8").decode(data.subarray(start));
  }
  if (looksBinary(text)) throw new IngestError("not a text file (binary content)", "failed");
  return text.includes("\0") ? text.replace(/\0/g, "") : text;
}

function looksBinary(text: string): boolean {
  const n = Math.min(text.length, SNIFF_CHARS);
  if (n === 0) return false;
  let suspicious = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    // Tab, LF, VT, FF, CR and ESC (ANSI colour codes in pasted terminal output) occur in real text.
    if (c < 0x20 && c !== 9 && c !== 10 && c !== 11 && c !== 12 && c !== 13 && c !== 27) suspicious++;
    else if (c === 0xfffd) suspicious++;
  }
  return suspicious / n > BINARY_RATIO;
}
