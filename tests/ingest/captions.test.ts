import { describe, expect, it } from "vitest";
import { parseCaptions } from "../../src/core/ingest/transcript/captions";
import { ingestFile } from "../../src/core/ingest/ingest-file";
import { IngestError } from "../../src/core/types";

const enc = (s: string) => new TextEncoder().encode(s);

const srt = `1
00:00:01,000 --> 00:00:04,200
Welcome to the lecture on
<i>convolutional networks</i>.

2
00:00:04,500 --> 00:00:09,000
{\\an8}Today we look at kernels, strides and padding.

3
00:00:12,000 --> 00:00:18,000
A kernel slides over the image &amp; computes dot products.

4
00:00:31,000 --> 00:00:36,000
Pooling layers shrink the feature maps.

5
00:01:05,000 --> 00:01:10,500
Finally, we stack these into a deep network.
`;

describe("SRT captions", () => {
  it("parses cues, strips tags and ASS overrides, decodes entities, joins lines", () => {
    const { cues } = parseCaptions(srt);
    expect(cues.map((c) => c.text)).toEqual([
      "Welcome to the lecture on convolutional networks.",
      "Today we look at kernels, strides and padding.",
      "A kernel slides over the image & computes dot products.",
      "Pooling layers shrink the feature maps.",
      "Finally, we stack these into a deep network.",
    ]);
    expect(cues[0]).toMatchObject({ start: 1, end: 4.2, line: 1 });
  });

  it("groups cues into ~30 s chunks; each ends where the next starts, the last with its last cue", async () => {
    const doc = await ingestFile("lectures/cnn.srt", enc(srt));
    expect(doc.kind).toBe("transcript");
    expect(doc.title).toBe("cnn");
    expect(doc.chunks.map((c) => [c.start, c.end])).toEqual([
      [1, 31],
      [31, 65],
      [65, 70.5],
    ]);
    expect(doc.chunks[0].text).toBe(
      "Welcome to the lecture on convolutional networks. Today we look at kernels, strides and padding. A kernel slides over the image & computes dot products.",
    );
    expect(doc.chunks[1].line).toBe(14);
    expect(doc.chunks[0].embedText).toBe(`cnn\n\n${doc.chunks[0].text}`);
  });

  it("closes chunks at the token budget too", async () => {
    const doc = await ingestFile("cnn.srt", enc(srt), { chunkTokens: 16 });
    expect(doc.chunks.length).toBeGreaterThanOrEqual(5);
    for (let i = 1; i < doc.chunks.length; i++) expect(doc.chunks[i].start).toBeGreaterThanOrEqual(doc.chunks[i - 1].start!);
  });

  it("gives the pieces of an over-long cue the cue's span", async () => {
    const words = Array.from({ length: 80 }, (_, i) => `word${i}`).join(" ");
    const doc = await ingestFile("long.srt", enc(`1\n00:00:10,000 --> 00:00:20,000\n${words}\n\n2\n00:00:50,000 --> 00:00:52,000\nend\n`), { chunkTokens: 30 });
    const pieces = doc.chunks.filter((c) => c.text.includes("word"));
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces) {
      expect(p.start).toBe(10);
      expect(p.end).toBeGreaterThanOrEqual(20);
    }
    expect(pieces[pieces.length - 1].end).toBe(50);
  });

  it("handles a BOM, CRLF line endings and dots instead of commas", () => {
    const text = "\uFEFF1\r\n00:00:01.000 --> 00:00:02.000\r\nFirst\r\n\r\n2\r\n00:00:03.000 --> 00:00:04.000\r\nSecond\r\n";
    expect(parseCaptions(text).cues.map((c) => [c.start, c.text])).toEqual([
      [1, "First"],
      [3, "Second"],
    ]);
  });

  it("reads overlapping and out-of-order cues in time order", () => {
    const text = "1\n00:00:10,000 --> 00:00:15,000\nlater\n\n2\n00:00:02,000 --> 00:00:12,000\nearlier, overlapping\n";
    expect(parseCaptions(text).cues.map((c) => c.text)).toEqual(["earlier, overlapping", "later"]);
  });

  it("skips a cue with an unreadable timing and reports it", async () => {
    const text = "1\n00:00:01,000 --> 00:00:02,000\ngood\n\n2\n00:00:xx,000 --> 00:00:04,000\nbad\n\n3\n00:00:05,000 --> 00:00:06,000\nalso good\n";
    const doc = await ingestFile("m.srt", enc(text));
    expect(doc.chunks.map((c) => c.text)).toEqual(["good also good"]);
    expect(doc.warnings).toEqual(["1 caption cue(s) with unreadable timings skipped"]);
  });

  it("fails a caption file with no cues with a specific reason", async () => {
    await expect(ingestFile("x.srt", enc("just some text\nwith no timings\n"))).rejects.toMatchObject({
      name: "IngestError",
      reason: "no caption cues found",
      status: "failed",
    });
    const err = await ingestFile("y.vtt", enc("WEBVTT\n\n00:0x --> 00:01.000\nhi\n")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IngestError);
    expect((err as IngestError).reason).toBe("no readable caption cues (1 malformed timing lines)");
  });
});

const vtt = `WEBVTT - lecture 3
Kind: captions
Language: en

NOTE
This file was exported by a tool.
It has two note lines.

STYLE
::cue { color: yellow }

REGION
id:fred
width:40%

intro
00:01.000 --> 00:04.000 align:start position:10% line:0
<v Prof. Ng>Hello and welcome</v> to <b>machine learning</b>.

00:04.000 --> 00:07.500
Today: <c.highlight>gradient descent</c>.

00:01:30.000 --> 00:01:33.000
Learning rate matters &lt;a lot&gt;.
`;

describe("WebVTT captions", () => {
  it("skips the header, NOTE, STYLE and REGION blocks and strips cue settings, voice and class tags", () => {
    const { cues } = parseCaptions(vtt);
    expect(cues.map((c) => [c.start, c.end, c.text])).toEqual([
      [1, 4, "Hello and welcome to machine learning."],
      [4, 7.5, "Today: gradient descent."],
      [90, 93, "Learning rate matters <a lot>."],
    ]);
  });

  it("becomes chunks with start and end seconds", async () => {
    const doc = await ingestFile("ml/lecture 3.vtt", enc(vtt));
    expect(doc.chunks.map((c) => [c.start, c.end])).toEqual([
      [1, 90],
      [90, 93],
    ]);
    expect(doc.title).toBe("lecture 3");
  });

  it("keeps only the new words of YouTube's rolling auto-captions", () => {
    const rolling = `WEBVTT
Kind: captions
Language: en

00:00:00.000 --> 00:00:02.310 align:start position:0%
 
so<00:00:00.480><c> what</c><00:00:00.780><c> is</c><00:00:01.020><c> a</c><00:00:01.140><c> neural</c>

00:00:02.310 --> 00:00:02.320 align:start position:0%
so what is a neural
 

00:00:02.320 --> 00:00:05.120 align:start position:0%
so what is a neural
network<00:00:02.800><c> anyway</c>

00:00:05.120 --> 00:00:05.130 align:start position:0%
network anyway
 

00:00:05.130 --> 00:00:08.000 align:start position:0%
network anyway
it<00:00:05.500><c> is</c><00:00:05.800><c> a</c><00:00:06.000><c> function</c>
`;
    const { cues } = parseCaptions(rolling);
    expect(cues.map((c) => c.text)).toEqual(["so what is a neural", "network anyway", "it is a function"]);
    expect(cues.map((c) => c.start)).toEqual([0, 2.32, 5.13]);
  });

  it("accepts a file whose header is just WEBVTT followed directly by a cue block after a blank line", () => {
    const { cues } = parseCaptions("WEBVTT\n\n1\n00:00.500 --> 00:02.000\none\n");
    expect(cues).toEqual([{ start: 0.5, end: 2, text: "one", line: 3 }]);
  });
});
