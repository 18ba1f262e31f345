// A small typesetter on pdf-lib that lays out a paper the way real ones look to a text extractor:
// running header and footer, page numbers, justified-looking lines with words hyphenated at line
// ends, blank space between paragraphs, and two-column pages. The demo vault and the PDF test
// fixtures are both made with it, so nothing binary is committed.
import { PDFDocument, StandardFonts, type PDFFont, type PDFPage } from "pdf-lib";

export interface PaperBlock {
  kind: "title" | "authors" | "heading" | "paragraph";
  text: string;
}

export interface PaperPage {
  /** Two-column pages flow their blocks down the left column, then the right. */
  columns?: 1 | 2;
  blocks: PaperBlock[];
}

export interface PaperSpec {
  /** Document info Title; null leaves it unset. */
  metadataTitle?: string | null;
  header?: (page: number, pageCount: number) => string | null;
  footer?: (page: number, pageCount: number) => string | null;
  pages: PaperPage[];
  /** Draw the lines of two-column pages row by row (left, right, left, ...), so that the content
   *  stream order differs from the reading order, as some producers do. */
  interleaveColumns?: boolean;
}

export interface TypesetLine {
  page: number;
  text: string;
  column: 0 | 1 | 2;
}

export interface TypesetPaper {
  bytes: Uint8Array;
  /** Words the typesetter split with a hyphen at a line end, as written whole. */
  hyphenated: string[];
  lines: TypesetLine[];
}

const PAGE_W = 612;
const PAGE_H = 792;
const MARGIN = 72;
const GUTTER = 18;
const BODY = 10;
const LEADING = 12.5;

interface Fonts {
  body: PDFFont;
  bold: PDFFont;
  small: PDFFont;
}

interface Placed {
  text: string;
  x: number;
  y: number;
  size: number;
  font: PDFFont;
  column: 0 | 1 | 2;
}

export async function typesetPaper(spec: PaperSpec): Promise<TypesetPaper> {
  const pdf = await PDFDocument.create();
  // Fixed dates and ids keep the output byte-identical between runs.
  pdf.setCreationDate(new Date(Date.UTC(2025, 0, 1)));
  pdf.setModificationDate(new Date(Date.UTC(2025, 0, 1)));
  pdf.setProducer("scholia typesetter");
  pdf.setCreator("scholia");
  if (spec.metadataTitle) pdf.setTitle(spec.metadataTitle);
  const fonts: Fonts = {
    body: await pdf.embedFont(StandardFonts.TimesRoman),
    bold: await pdf.embedFont(StandardFonts.TimesRomanBold),
    small: await pdf.embedFont(StandardFonts.Helvetica),
  };
  const hyphenated: string[] = [];
  const lines: TypesetLine[] = [];
  const pageCount = spec.pages.length;

  spec.pages.forEach((pageSpec, i) => {
    const pageNo = i + 1;
    const page = pdf.addPage([PAGE_W, PAGE_H]);
    const header = spec.header?.(pageNo, pageCount);
    if (header) drawCentered(page, header, PAGE_H - 40, 8, fonts.small);
    const placed = layoutBlocks(pageSpec, fonts, hyphenated, pageNo);
    const order = spec.interleaveColumns ? interleave(placed) : placed;
    for (const p of order) page.drawText(p.text, { x: p.x, y: p.y, size: p.size, font: p.font });
    for (const p of placed) lines.push({ page: pageNo, text: p.text, column: p.column });
    const footer = spec.footer?.(pageNo, pageCount);
    if (footer) drawCentered(page, footer, 40, 8, fonts.small);
  });

  const bytes = await pdf.save({ useObjectStreams: false });
  return { bytes, hyphenated, lines };
}

function drawCentered(page: PDFPage, text: string, y: number, size: number, font: PDFFont): void {
  const w = font.widthOfTextAtSize(text, size);
  page.drawText(text, { x: (PAGE_W - w) / 2, y, size, font });
}

function layoutBlocks(spec: PaperPage, fonts: Fonts, hyphenated: string[], pageNo: number): Placed[] {
  const columns = spec.columns ?? 1;
  const width = columns === 1 ? PAGE_W - 2 * MARGIN : (PAGE_W - 2 * MARGIN - GUTTER) / 2;
  const top = PAGE_H - MARGIN;
  const bottom = MARGIN;
  const placed: Placed[] = [];
  let column = 0;
  let y = top;
  const x0 = () => MARGIN + column * (width + GUTTER);

  const place = (text: string, size: number, font: PDFFont, leading: number, indent = 0, center = false) => {
    if (y - leading < bottom) {
      if (columns === 2 && column === 0) {
        column = 1;
        y = top;
      } else {
        throw new Error(`typesetPaper: page ${pageNo} overflows at "${text.slice(0, 40)}"`);
      }
    }
    y -= leading;
    const w = font.widthOfTextAtSize(text, size);
    const x = center ? x0() + (width - w) / 2 : x0() + indent;
    placed.push({ text, x, y, size, font, column: columns === 1 ? 0 : ((column + 1) as 1 | 2) });
  };

  for (const block of spec.blocks) {
    if (block.kind === "title") {
      for (const line of wrap(block.text, fonts.bold, 16, width, [], false)) place(line, 16, fonts.bold, 20, 0, true);
      y -= 6;
    } else if (block.kind === "authors") {
      for (const line of wrap(block.text, fonts.body, 11, width, [], false)) place(line, 11, fonts.body, 14, 0, true);
      y -= 10;
    } else if (block.kind === "heading") {
      y -= 6;
      for (const line of wrap(block.text, fonts.bold, 11, width, [], false)) place(line, 11, fonts.bold, 15);
      y -= 2;
    } else {
      const wrapped = wrap(block.text, fonts.body, BODY, width, hyphenated, true, 12);
      wrapped.forEach((line, k) => place(line, BODY, fonts.body, LEADING, k === 0 ? 12 : 0));
      y -= 6;
    }
  }
  return placed;
}

/** Greedy line filling; long plain words that do not fit are hyphenated across the line end. */
function wrap(text: string, font: PDFFont, size: number, width: number, hyphenated: string[], hyphenate: boolean, firstIndent = 0): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = "";
  const room = () => width - (lines.length === 0 ? firstIndent : 0);
  const fits = (s: string) => font.widthOfTextAtSize(s, size) <= room();
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    const candidate = line ? `${line} ${word}` : word;
    if (fits(candidate)) {
      line = candidate;
      continue;
    }
    const split = hyphenate ? splitWord(word, (head) => fits(line ? `${line} ${head}-` : `${head}-`)) : null;
    if (split) {
      lines.push(line ? `${line} ${split[0]}-` : `${split[0]}-`);
      hyphenated.push(word.replace(/[^A-Za-z]+$/, ""));
      line = split[1];
      continue;
    }
    if (line) lines.push(line);
    line = word;
  }
  if (line) lines.push(line);
  return lines;
}

/** Splits a plain word (letters only, trailing punctuation allowed) keeping 3+ letters each side. */
function splitWord(word: string, fits: (head: string) => boolean): [string, string] | null {
  const m = /^([A-Za-z]{7,})([^A-Za-z]*)$/.exec(word);
  if (!m) return null;
  const letters = m[1];
  for (let k = letters.length - 3; k >= 3; k--) {
    const head = letters.slice(0, k);
    if (fits(head)) return [head, letters.slice(k) + m[2]];
  }
  return null;
}

function interleave(placed: Placed[]): Placed[] {
  const left = placed.filter((p) => p.column !== 2);
  const right = placed.filter((p) => p.column === 2);
  const out: Placed[] = [];
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    if (left[i]) out.push(left[i]);
    if (right[i]) out.push(right[i]);
  }
  return out;
}
