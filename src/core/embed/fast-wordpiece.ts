// A fast path for BERT-style WordPiece tokenizers (MiniLM, bge, e5, static word-vector models), which
// writes padded int64 id/mask/type arrays for a whole batch directly. The general tokenizer in
// transformers.js builds strings, arrays and objects per token and spends longer than a small model's
// inference; indexing a vault tokenizes every chunk once, so this is on the critical path.
//
// It reproduces transformers.js's BertNormalizer + BertPreTokenizer + WordPiece exactly (the tests
// compare both on random text) with one deliberate difference: a text longer than the limit keeps its
// final [SEP], as the Python tokenizers the models were trained with do, where transformers.js cuts it.
// Texts containing a special token's literal spelling (e.g. "[SEP]") are left to the library.

interface TokenizerJson {
  normalizer?: { type?: string; clean_text?: boolean; handle_chinese_chars?: boolean; strip_accents?: boolean | null; lowercase?: boolean } | null;
  pre_tokenizer?: { type?: string } | null;
  post_processor?: {
    type?: string;
    single?: ({ SpecialToken?: { id: string; type_id?: number } } | { Sequence?: { id: string; type_id?: number } })[];
    special_tokens?: Record<string, { ids: number[] }>;
    cls?: [string, number];
    sep?: [string, number];
  } | null;
  added_tokens?: { content: string }[];
  model?: { type?: string; vocab?: Record<string, number>; unk_token?: string; continuing_subword_prefix?: string; max_input_chars_per_word?: number };
}

export interface EncodedBatch {
  /** Row-major [batch, seq]. */
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  tokenTypeIds: BigInt64Array;
  batch: number;
  seq: number;
}

const PUNCT = "\\p{P}\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E";
const WORDS = new RegExp(`[^\\s${PUNCT}]+|[${PUNCT}]`, "gu");
const CONTROL = /[\0\uFFFD]|(?![\t\n\r])[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/gu;
const WHITESPACE = /\s/g;
// transformers.js tests UTF-16 units, so only the BMP CJK blocks are padded with spaces.
const CJK = /([\u4E00-\u9FFF\u3400-\u4DBF\uF900-\uFAFF])/g;
const ASCII = /^[\x20-\x7E]*$/;
/** Printable ASCII plus tab and newlines: text the normalizer can only lowercase. */
const PLAIN_ASCII = /^[\t\n\r\x20-\x7E]*$/;
const ACCENTS = /\p{Mn}/gu;
const WORD_CACHE_LIMIT = 200_000;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

type Writer = (index: number, value: number) => void;

function int64Writer(target: BigInt64Array): Writer {
  const words = new Int32Array(target.buffer, target.byteOffset, target.length * 2);
  return (index, value) => {
    words[index * 2] = value;
  };
}

function bigIntWriter(target: BigInt64Array): Writer {
  return (index, value) => {
    target[index] = BigInt(value);
  };
}

export class FastWordPiece {
  private readonly cache = new Map<string, readonly number[]>();

  private constructor(
    private readonly vocab: Map<string, number>,
    private readonly unkId: number,
    private readonly prefix: string,
    private readonly maxWordChars: number,
    private readonly normalizer: NonNullable<TokenizerJson["normalizer"]> | null,
    private readonly head: { ids: number[]; types: number[] },
    private readonly tail: { ids: number[]; types: number[] },
    private readonly sequenceType: number,
    private readonly padId: number,
    private readonly specials: string[],
  ) {}

  /** A fast tokenizer for this tokenizer.json, or null when it is not a configuration this handles. */
  static fromJson(json: unknown, padId: number): FastWordPiece | null {
    const t = json as TokenizerJson | null;
    const model = t?.model;
    if (!t || model?.type !== "WordPiece" || !model.vocab || !model.unk_token) return null;
    if (t.normalizer && t.normalizer.type !== "BertNormalizer") return null;
    if (t.pre_tokenizer?.type !== "BertPreTokenizer") return null;
    const vocab = new Map(Object.entries(model.vocab));
    const unkId = vocab.get(model.unk_token);
    if (unkId === undefined) return null;
    const head = { ids: [] as number[], types: [] as number[] };
    const tail = { ids: [] as number[], types: [] as number[] };
    let sequenceType = 0;
    const post = t.post_processor;
    if (post?.type === "TemplateProcessing" && post.single) {
      let seen = false;
      for (const item of post.single) {
        if ("Sequence" in item && item.Sequence) {
          if (seen || item.Sequence.id !== "A") return null;
          seen = true;
          sequenceType = item.Sequence.type_id ?? 0;
        } else if ("SpecialToken" in item && item.SpecialToken) {
          const ids = post.special_tokens?.[item.SpecialToken.id]?.ids;
          if (!ids) return null;
          const side = seen ? tail : head;
          side.ids.push(...ids);
          side.types.push(...ids.map(() => item.SpecialToken!.type_id ?? 0));
        } else return null;
      }
      if (!seen) return null;
    } else if (post?.type === "BertProcessing" && post.cls && post.sep) {
      head.ids.push(post.cls[1]);
      head.types.push(0);
      tail.ids.push(post.sep[1]);
      tail.types.push(0);
    } else if (post) {
      return null;
    }
    const specials = (t.added_tokens ?? []).map((a) => a.content).filter((c) => c.length > 0);
    return new FastWordPiece(
      vocab,
      unkId,
      model.continuing_subword_prefix ?? "##",
      model.max_input_chars_per_word ?? 100,
      t.normalizer ?? null,
      head,
      tail,
      sequenceType,
      padId,
      specials,
    );
  }

  /** False when a text must go through the library tokenizer (it spells out a special token). */
  canEncode(text: string): boolean {
    for (const s of this.specials) if (text.includes(s)) return false;
    return true;
  }

  normalize(text: string): string {
    const n = this.normalizer;
    if (!n) return text;
    if (n.clean_text) text = text.replace(CONTROL, "").replace(WHITESPACE, " ");
    if (n.handle_chinese_chars) text = text.replace(CJK, " $1 ");
    const ascii = ASCII.test(text);
    if (n.lowercase) {
      text = text.toLowerCase();
      if (n.strip_accents !== false && !ascii) text = text.normalize("NFD").replace(ACCENTS, "");
    } else if (n.strip_accents && !ascii) {
      text = text.normalize("NFD").replace(ACCENTS, "");
    }
    return text;
  }

  /** Token ids of one text without special tokens. */
  encodeText(text: string): number[] {
    const out: number[] = [];
    if (PLAIN_ASCII.test(text)) {
      this.encodeAscii(this.normalizer?.lowercase ? text.toLowerCase() : text, out);
      return out;
    }
    const words = this.normalize(text).trim().match(WORDS);
    if (words) for (const word of words) this.pushWord(word, out);
    return out;
  }

  /** The same split as normalize + WORDS for plain ASCII, in one pass over char codes: regexes with
   *  Unicode classes cost several times more, and most chunks are plain English. */
  private encodeAscii(text: string, out: number[]): void {
    let start = -1;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const space = c === 32 || c === 9 || c === 10 || c === 13;
      const punct = (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
      if (space || punct) {
        if (start >= 0) {
          this.pushWord(text.slice(start, i), out);
          start = -1;
        }
        if (punct) this.pushWord(text[i], out);
      } else if (start < 0) {
        start = i;
      }
    }
    if (start >= 0) this.pushWord(text.slice(start), out);
  }

  private pushWord(word: string, out: number[]): void {
    let ids = this.cache.get(word);
    if (!ids) {
      ids = this.wordPiece(word);
      if (this.cache.size >= WORD_CACHE_LIMIT) this.cache.clear();
      this.cache.set(word, ids);
    }
    for (let i = 0; i < ids.length; i++) out.push(ids[i]);
  }

  private wordPiece(word: string): readonly number[] {
    if (word.length > this.maxWordChars && Array.from(word).length > this.maxWordChars) return [this.unkId];
    const whole = this.vocab.get(word);
    if (whole !== undefined) return [whole];
    const chars = Array.from(word);
    const ids: number[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found: number | undefined;
      while (start < end) {
        const piece = (start > 0 ? this.prefix : "") + chars.slice(start, end).join("");
        found = this.vocab.get(piece);
        if (found !== undefined) break;
        end--;
      }
      if (found === undefined) return [this.unkId];
      ids.push(found);
      start = end;
    }
    return ids;
  }

  /** One text's ids as the model sees them: special tokens around the content, truncated so the whole
   *  sequence fits `maxLength` (the final special token is kept, as in `encodeBatch`). */
  encodeIds(text: string, maxLength: number): number[] {
    const room = Math.max(0, maxLength - this.head.ids.length - this.tail.ids.length);
    const content = this.encodeText(text);
    if (content.length > room) content.length = room;
    return this.withSpecialTokens(content);
  }

  /** Content ids wrapped in the template's special tokens ([CLS] … [SEP] for BERT). */
  withSpecialTokens(content: number[]): number[] {
    return this.head.ids.length || this.tail.ids.length ? [...this.head.ids, ...content, ...this.tail.ids] : content;
  }

  /** The token type id of every position of a single-sequence input, or null when special tokens and
   *  content get different types (then a token's vector could depend on where it stands). */
  get uniformTypeId(): number | null {
    const types = [...this.head.types, ...this.tail.types, this.sequenceType];
    return types.every((t) => t === types[0]) ? types[0] : null;
  }

  get paddingId(): number {
    return this.padId;
  }

  /** Encodes, truncates to `maxLength` tokens (special tokens included) and right-pads a batch. */
  encodeBatch(texts: readonly string[], maxLength: number): EncodedBatch {
    const room = Math.max(0, maxLength - this.head.ids.length - this.tail.ids.length);
    const rows = texts.map((t) => {
      const ids = this.encodeText(t);
      return ids.length > room ? ids.slice(0, room) : ids;
    });
    const extra = this.head.ids.length + this.tail.ids.length;
    const seq = Math.max(1, ...rows.map((r) => r.length + extra));
    const batch = texts.length;
    const inputIds = new BigInt64Array(batch * seq);
    const attentionMask = new BigInt64Array(batch * seq);
    const tokenTypeIds = new BigInt64Array(batch * seq);
    // Writing through 32-bit views avoids allocating a BigInt per token; ids are small and
    // non-negative, so the high words stay zero. Little-endian only (checked once, with a fallback).
    const set = LITTLE_ENDIAN ? int64Writer : bigIntWriter;
    const ids = set(inputIds);
    const mask = set(attentionMask);
    const types = set(tokenTypeIds);
    const { head, tail, sequenceType, padId } = this;
    rows.forEach((row, b) => {
      let p = b * seq;
      const end = p + seq;
      for (let i = 0; i < head.ids.length; i++, p++) {
        ids(p, head.ids[i]);
        types(p, head.types[i]);
        mask(p, 1);
      }
      for (let i = 0; i < row.length; i++, p++) {
        ids(p, row[i]);
        if (sequenceType) types(p, sequenceType);
        mask(p, 1);
      }
      for (let i = 0; i < tail.ids.length; i++, p++) {
        ids(p, tail.ids[i]);
        types(p, tail.types[i]);
        mask(p, 1);
      }
      if (padId) for (; p < end; p++) ids(p, padId);
    });
    return { inputIds, attentionMask, tokenTypeIds, batch, seq };
  }
}
