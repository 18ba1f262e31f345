// Text that remembers, for every character, where it came from on the page: the pdf.js text item
// index and the UTF-16 offset inside that item's `str`. Selection ranges are derived from it.

/** Characters we insert ourselves (spaces between runs and lines) have no source. */
export const NO_SOURCE = -1;

/** Offsets inside one item stay below this; index and offset pack into one safe integer. */
const OFFSET_RANGE = 1 << 20;

export function packSource(itemIndex: number, offset: number): number {
  return itemIndex * OFFSET_RANGE + Math.min(offset, OFFSET_RANGE - 1);
}

export function unpackSource(source: number): [itemIndex: number, offset: number] {
  return [Math.floor(source / OFFSET_RANGE), source % OFFSET_RANGE];
}

export interface MappedText {
  text: string;
  /** One entry per UTF-16 unit of `text`. */
  src: number[];
}

/** Builds mapped text with whitespace collapsed and typographic ligatures spelled out. */
export class MappedTextBuilder {
  private chars: string[] = [];
  private src: number[] = [];

  get length(): number {
    return this.chars.length;
  }

  endsWithSpace(): boolean {
    return this.chars.length === 0 || this.chars[this.chars.length - 1] === " ";
  }

  space(source = NO_SOURCE): void {
    if (!this.endsWithSpace()) {
      this.chars.push(" ");
      this.src.push(source);
    }
  }

  /** Appends `str` of item `itemIndex` from `from` (UTF-16 offset). */
  item(str: string, itemIndex: number, from = 0): void {
    for (let k = from; k < str.length; k++) {
      const ch = str[k];
      const code = ch.charCodeAt(0);
      if (/\s/.test(ch)) {
        this.space(packSource(itemIndex, k));
      } else if (code < 0x20 || code === 0xfffd) {
        continue; // control characters and replacement marks from broken font maps
      } else if (code >= 0xfb00 && code <= 0xfb06) {
        // The viewer keeps "ﬁ" as one character; readers and embedders want "fi". All expanded
        // characters point at the one source character, so the selection still covers it.
        for (const c of ch.normalize("NFKC")) this.push(c, packSource(itemIndex, k));
      } else {
        this.push(ch, packSource(itemIndex, k));
      }
    }
  }

  push(ch: string, source: number): void {
    this.chars.push(ch);
    this.src.push(source);
  }

  /** Removes the last character (a line-end hyphen that turned out to be hyphenation). */
  dropLast(): void {
    this.chars.pop();
    this.src.pop();
  }

  append(other: MappedText): void {
    for (let i = 0; i < other.text.length; i++) this.push(other.text[i], other.src[i]);
  }

  build(): MappedText {
    let start = 0;
    let end = this.chars.length;
    while (start < end && this.chars[start] === " ") start++;
    while (end > start && this.chars[end - 1] === " ") end--;
    return { text: this.chars.slice(start, end).join(""), src: this.src.slice(start, end) };
  }
}

export function sliceMapped(m: MappedText, start: number, end: number): MappedText {
  while (start < end && /\s/.test(m.text[start])) start++;
  while (end > start && /\s/.test(m.text[end - 1])) end--;
  return { text: m.text.slice(start, end), src: m.src.slice(start, end) };
}
