// Turns a model's output tensor into one L2-normalized vector per text. Works on the flat typed arrays
// onnxruntime returns, without intermediate tensors: this runs once per chunk of the whole vault.
import type { Pooling } from "./models";

export interface HiddenStates {
  /** Row-major [batch, seq, dims] for token outputs, [batch, dims] for sentence outputs. */
  data: Float32Array;
  dims: readonly number[];
}

/** Scales `v` in place to unit length. A zero vector (e.g. only unknown words) stays zero. */
export function l2Normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  if (sum > 0) {
    const inv = 1 / Math.sqrt(sum);
    for (let i = 0; i < v.length; i++) v[i] *= inv;
  }
  return v;
}

/**
 * Pools hidden states into normalized vectors.
 * @param mask attention mask [batch, seq] (1 = real token); needed for "mean" over token outputs.
 */
export function poolAndNormalize(
  hidden: HiddenStates,
  pooling: Pooling,
  mask?: ArrayLike<number | bigint>,
): Float32Array[] {
  const { data, dims } = hidden;
  if (dims.length === 2) {
    // Already one vector per text (model-pooled output), whatever pooling was asked for.
    const [batch, width] = dims;
    const out: Float32Array[] = [];
    for (let b = 0; b < batch; b++) out.push(l2Normalize(data.slice(b * width, (b + 1) * width)));
    return out;
  }
  if (dims.length !== 3) throw new Error(`The embedding model returned a tensor of rank ${dims.length}; expected 2 or 3.`);
  const [batch, seq, width] = dims;
  const out: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const base = b * seq * width;
    if (pooling === "cls") {
      out.push(l2Normalize(data.slice(base, base + width)));
      continue;
    }
    const acc = new Float64Array(width);
    let count: number;
    const first = b * seq;
    if (!mask || mask[first]) {
      // Right padding (every BERT-style tokenizer): real tokens are a prefix, found from the end.
      let len = seq;
      if (mask) while (len > 0 && !mask[first + len - 1]) len--;
      sumRows(data, base, len, width, acc);
      count = len;
    } else {
      count = 0;
      for (let t = 0; t < seq; t++) {
        if (!mask[first + t]) continue;
        sumRows(data, base + t * width, 1, width, acc);
        count++;
      }
    }
    const v = new Float32Array(width);
    if (count > 0) for (let d = 0; d < width; d++) v[d] = acc[d] / count;
    out.push(l2Normalize(v));
  }
  return out;
}

/** acc += the `rows` consecutive rows of `width` floats starting at `start`. Four rows per pass: V8
 *  does not vectorize, and quartering the accumulator traffic makes this 2-3x faster, which matters
 *  because for small models pooling costs as much as inference. */
function sumRows(data: Float32Array, start: number, rows: number, width: number, acc: Float64Array): void {
  let t = 0;
  let row = start;
  for (; t + 4 <= rows; t += 4, row += 4 * width) {
    const r1 = row + width;
    const r2 = r1 + width;
    const r3 = r2 + width;
    for (let d = 0; d < width; d++) acc[d] += data[row + d] + data[r1 + d] + data[r2 + d] + data[r3 + d];
  }
  for (; t < rows; t++, row += width) {
    for (let d = 0; d < width; d++) acc[d] += data[row + d];
  }
}
