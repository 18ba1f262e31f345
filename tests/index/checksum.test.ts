import { describe, expect, it } from "vitest";
import { PendingChecksum, Xxh32, xxh32Hex } from "../../src/core/index/checksum";

function pseudoRandomBytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

describe("data-file checksums (xxHash32)", () => {
  it("matches the reference xxHash32 digests", () => {
    expect(xxh32Hex("")).toBe("02cc5d05");
    expect(xxh32Hex("a")).toBe("550d7456");
    expect(xxh32Hex("abc")).toBe("32d153ff");
    expect(xxh32Hex("Nobody inspects the spammish repetition")).toBe("e2293b2f");
  });

  it("gives the same digest however the bytes are split, and at any alignment", () => {
    const data = pseudoRandomBytes(100_003);
    const whole = xxh32Hex(data);
    for (const piece of [1, 7, 16, 4096, 33_333]) {
      const h = new Xxh32();
      for (let i = 0; i < data.length; i += piece) h.update(data.subarray(i, i + piece));
      expect(h.digest().toString(16).padStart(8, "0"), `pieces of ${piece}`).toBe(whole);
    }
    // A view that starts off a 4-byte boundary takes the byte-wise path; same answer as a copy.
    const unaligned = data.subarray(3, 50_003);
    expect(xxh32Hex(unaligned)).toBe(xxh32Hex(unaligned.slice()));
  });

  it("changes when any single byte changes", () => {
    const data = pseudoRandomBytes(4099, 9);
    const base = xxh32Hex(data);
    for (let at = 0; at < data.length; at += 97) {
      const broken = data.slice();
      broken[at] ^= 0x01;
      expect(xxh32Hex(broken), `byte ${at}`).not.toBe(base);
    }
  });

  it("verifies in background slices with the same verdict as at once, and can finish early", async () => {
    const data = pseudoRandomBytes(1 << 20, 3);
    const good = xxh32Hex(data);
    expect(await new PendingChecksum(data, good).finishInBackground(64 << 10)).toBe(true);
    const broken = data.slice();
    broken[broken.length - 1] ^= 0x80;
    expect(await new PendingChecksum(broken, good).finishInBackground(64 << 10)).toBe(false);
    const check = new PendingChecksum(data, good);
    expect(check.step(1000)).toBeNull();
    expect(check.done).toBe(false);
    expect(check.finish()).toBe(true);
    expect(check.done).toBe(true);
  });
});
