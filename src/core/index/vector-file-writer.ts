// The vectors file of one save, filled from the live matrix in slices (at 100k chunks the int8
// rows are 38 MB, a long copy to make at once, and at 1M ten times that). Rows appended after the
// snapshot lie beyond the rows copied here and never disturb them; a compaction moves rows in
// place, so the index calls finishNow() before it compacts: the copy then completes at once, as it
// would have before slicing, and the file stays the snapshot's.
import { allocateContainer } from "./binary-container";
import type { TimeSlicer } from "./time-slicer";

export interface VectorHeader {
  modelId: string;
  dims: number;
  count: number;
}

/** The stored rows as views of the live arrays, fetched afresh for every step: growing a
 *  WebAssembly memory detaches the views handed out before. */
export type RowSource = () => { codes: Int8Array; scales: Float32Array };

/** Bytes of rows copied between two looks at the clock. */
const STEP_BYTES = 1 << 20;

export class VectorFileWriter {
  private copied = 0;
  private readonly file: ReturnType<typeof allocateContainer>;

  constructor(
    readonly header: VectorHeader,
    private readonly source: RowSource | null,
  ) {
    const { dims, count } = header;
    if (count > 0 && !source) throw new Error("internal: vectors to save but no matrix to read them from");
    // Key and section order as in every earlier vectors file: {modelId, dims, count}; codes, scales.
    this.file = allocateContainer(JSON.stringify({ modelId: header.modelId, dims, count }), [
      { name: "codes", bytes: count * dims },
      { name: "scales", bytes: count * 4 },
    ]);
  }

  get done(): boolean {
    return this.copied >= this.header.count;
  }

  private copyTo(row: number): void {
    if (row <= this.copied || !this.source) return;
    const { dims } = this.header;
    const { codes, scales } = this.source();
    if (scales.length < row) throw new Error("internal: the vector matrix shrank under a save");
    const from = this.copied;
    this.file.section("codes").set(new Uint8Array(codes.buffer, codes.byteOffset + from * dims, (row - from) * dims), from * dims);
    this.file.section("scales").set(new Uint8Array(scales.buffer, scales.byteOffset + from * 4, (row - from) * 4), from * 4);
    this.copied = row;
  }

  /** Copies every remaining row now (before the matrix is changed in place). */
  finishNow(): void {
    this.copyTo(this.header.count);
  }

  /** Copies the rows in slices and returns the whole file. */
  async encode(slicer: TimeSlicer): Promise<Uint8Array> {
    const step = Math.max(1, Math.floor(STEP_BYTES / Math.max(1, this.header.dims)));
    while (!this.done) {
      this.copyTo(Math.min(this.header.count, this.copied + step));
      if (slicer.due) await slicer.yieldNow();
    }
    return this.file.bytes;
  }
}
