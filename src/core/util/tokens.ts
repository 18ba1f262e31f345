// A cheap token estimate for chunk budgets. WordPiece/BPE models average ~1.3 tokens per English
// word; counting words and punctuation runs stays within ~15 % of real tokenizers on prose, which is
// enough to keep chunks under a model's 256/512-token window without loading a tokenizer.

export function estimateTokens(text: string): number {
  let count = 0;
  for (const m of text.matchAll(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu)) {
    const w = m[0];
    count += w.length > 8 ? Math.ceil(w.length / 6) : 1;
  }
  return Math.ceil(count * 1.1);
}

/** Default chunk budget in estimated tokens (fits 256-token models with room for the title prefix). */
export const DEFAULT_CHUNK_TOKENS = 200;
