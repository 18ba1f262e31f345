import { describe, expect, it } from "vitest";
import { ingestFile } from "../../src/core/ingest/ingest-file";
import type { Chunk, IngestedDocument } from "../../src/core/types";

const enc = (s: string) => new TextEncoder().encode(s);
const ingest = (path: string, text: string, chunkTokens?: number): Promise<IngestedDocument> => ingestFile(path, enc(text), { chunkTokens });
const chunkWith = (doc: IngestedDocument, words: string): Chunk => {
  const c = doc.chunks.find((ch) => ch.text.includes(words));
  if (!c) throw new Error(`no chunk contains ${JSON.stringify(words)}`);
  return c;
};

const paragraphTranscript = `---
title: Gradient descent, how neural networks learn
videoId: IHZwWFHWa-w
channel: 3Blue1Brown
---

# Gradient descent, how neural networks learn

[00:00:04] Last video I laid out the structure of a neural network. I'll give a quick recap here so that it's fresh in our minds, and then I have two main goals for this video.

[00:00:41] The first is to introduce the idea of gradient descent, which underlies not only how neural networks learn, but how a lot of other machine learning works as well.

[00:01:20] Then after that we'll dig in a little more into how this particular network performs, and what those hidden layers of neurons end up looking for.
`;

describe("paragraphs that start with [hh:mm:ss]", () => {
  it("is read as a transcript: one chunk per ~30 s paragraph, each spanning until the next", async () => {
    const doc = await ingest("videos/gradient descent.md", paragraphTranscript);
    expect(doc.kind).toBe("transcript");
    expect(doc.title).toBe("Gradient descent, how neural networks learn");
    expect(doc.chunks.map((c) => [c.start, c.end])).toEqual([
      [4, 41],
      [41, 80],
      [80, expect.any(Number)],
    ]);
    expect(doc.chunks[0].text.startsWith("[00:00:04] Last video")).toBe(true);
    expect(doc.chunks[1].line).toBe(10);
    expect(doc.chunks[0].headings).toEqual(["Gradient descent, how neural networks learn"]);
  });

  it("estimates the last paragraph's end from its length at a speaking pace", async () => {
    const doc = await ingest("v.md", paragraphTranscript);
    const last = doc.chunks[2];
    const words = last.text.split(/\s+/).length - 1; // minus the timestamp
    expect(last.end! - last.start!).toBeGreaterThanOrEqual(Math.floor(words / 3));
    expect(last.end! - last.start!).toBeLessThanOrEqual(Math.ceil(words / 2));
  });

  it("takes the video from frontmatter videoId", async () => {
    const doc = await ingest("v.md", paragraphTranscript);
    for (const c of doc.chunks) expect(c.video).toBe("https://www.youtube.com/watch?v=IHZwWFHWa-w");
  });

  it("embeds the words without the timestamps but stores them as written", async () => {
    const doc = await ingest("v.md", paragraphTranscript);
    expect(doc.chunks[1].embedText).toBe(
      "Gradient descent, how neural networks learn\n\nThe first is to introduce the idea of gradient descent, which underlies not only how neural networks learn, but how a lot of other machine learning works as well.",
    );
  });
});

describe("short lines that start with [mm:ss]", () => {
  const lines = Array.from({ length: 24 }, (_, i) => `[${String(Math.floor((i * 5) / 60)).padStart(2, "0")}:${String((i * 5) % 60).padStart(2, "0")}] line ${i} of the lecture about convolution kernels`).join("\n");
  const text = `---\nurl: https://youtu.be/KuXjwB4LzSA\n---\n\n${lines}\n`;

  it("groups lines into chunks of about 30 seconds", async () => {
    const doc = await ingest("lecture.md", text);
    expect(doc.kind).toBe("transcript");
    expect(doc.chunks.map((c) => c.start)).toEqual([0, 30, 60, 90]);
    expect(doc.chunks.map((c) => c.end)).toEqual([30, 60, 90, expect.any(Number)]);
    expect(doc.chunks[1].text.split("\n")).toHaveLength(6);
    expect(doc.chunks[1].line).toBe(4 + 6);
    expect(doc.chunks[0].video).toBe("https://www.youtube.com/watch?v=KuXjwB4LzSA");
  });

  it("also closes a chunk at the token budget", async () => {
    const doc = await ingest("lecture.md", text, 30);
    expect(doc.chunks.length).toBeGreaterThan(4);
    for (let i = 1; i < doc.chunks.length; i++) expect(doc.chunks[i].start).toBeGreaterThanOrEqual(doc.chunks[i - 1].start!);
  });
});

describe("[mm:ss](link&t=S) prefixes from YouTube-transcript plugins", () => {
  const text = [
    "## Transcript",
    "",
    "[00:00](https://www.youtube.com/watch?v=kCc8FmEb1nY&t=0) hi everybody so by now you have probably heard of chatgpt",
    "[00:17](https://www.youtube.com/watch?v=kCc8FmEb1nY&t=17) it has taken the world and the ai community by storm",
    "[00:41](https://www.youtube.com/watch?v=kCc8FmEb1nY&t=41) and it is a system that allows you to interact with an ai",
    "[01:05](https://www.youtube.com/watch?v=kCc8FmEb1nY&t=65) so for example we can ask chatgpt to write us a small haiku",
  ].join("\n");

  it("reads the time from the link and the video from the link without t=", async () => {
    const doc = await ingest("gpt.md", text);
    expect(doc.kind).toBe("transcript");
    // 00:17 is within 30 s of 00:00 and joins it; 01:05 is within 30 s of 00:41.
    expect(doc.chunks.map((c) => [c.start, c.end])).toEqual([
      [0, 41],
      [41, expect.any(Number)],
    ]);
    expect(doc.chunks[1].end).toBeGreaterThan(65);
    for (const c of doc.chunks) expect(c.video).toBe("https://www.youtube.com/watch?v=kCc8FmEb1nY");
    expect(doc.chunks[0].headings).toEqual(["Transcript"]);
    expect(doc.chunks[0].embedText).toContain("hi everybody so by now you have probably heard of chatgpt\nit has taken");
    expect(doc.chunks[0].embedText).not.toContain("youtube.com");
  });

  it("prefers the link's t= over a label that disagrees", async () => {
    const doc = await ingest("gpt.md", "[00:10](https://youtu.be/kCc8FmEb1nY?t=75) first\n[00:20](https://youtu.be/kCc8FmEb1nY?t=90) second");
    expect(doc.chunks[0].start).toBe(75);
  });

  it("accepts bold, list and quote wrapped prefixes", async () => {
    const doc = await ingest("w.md", "- **[00:01]** one\n- **[00:40]** two\n\n> [01:20] three");
    expect(doc.kind).toBe("transcript");
    expect(doc.chunks.map((c) => c.start)).toEqual([1, 40, 80]);
  });
});

describe("timestamp on its own line", () => {
  it("lets the following paragraph belong to the timestamp before it", async () => {
    const doc = await ingest("t.md", "[00:05]\n\nThe first topic is attention.\n\n[00:50]\n\nThe second topic is positional encoding.");
    expect(doc.kind).toBe("transcript");
    expect(chunkWith(doc, "attention").start).toBe(5);
    expect(chunkWith(doc, "attention").end).toBe(50);
    expect(chunkWith(doc, "positional").start).toBe(50);
  });
});

describe("untimed text in a transcript", () => {
  it("keeps a summary before the first timestamp as its own chunk without times", async () => {
    const text = `---\nvideoId: aircAruvnKk\n---\n## Summary\n\nA short summary of the talk.\n\n## Transcript\n\n[00:04] This is a 3.\n\n[00:49] But if I told you, hey, sit down.\n`;
    const doc = await ingest("s.md", text);
    const summary = chunkWith(doc, "short summary");
    expect(summary.start).toBeUndefined();
    expect(summary.video).toBeUndefined();
    expect(chunkWith(doc, "This is a 3").start).toBe(4);
    expect(chunkWith(doc, "This is a 3").headings).toEqual(["Transcript"]);
  });

  it("warns when timestamps go back in time", async () => {
    const doc = await ingest("b.md", "[00:30] later\n\n[00:10] earlier\n\n[00:40] last");
    expect(doc.warnings?.some((w) => /go back in time/.test(w))).toBe(true);
    for (const c of doc.chunks) expect(c.end!).toBeGreaterThanOrEqual(c.start!);
  });

  it("splits an over-budget paragraph, each piece keeping the paragraph's span", async () => {
    const long = Array.from({ length: 60 }, (_, i) => `Point ${i} about the sigmoid squishification function.`).join(" ");
    const doc = await ingest("l.md", `[00:10] ${long}\n\n[01:40] next`, 40);
    const pieces = doc.chunks.filter((c) => c.text.includes("Point"));
    expect(pieces.length).toBeGreaterThan(3);
    for (const p of pieces) expect([p.start, p.end]).toEqual([10, 100]);
  });
});

const conceptNote = `---
title: Dropout
videoId: 0s67_7zy_04
---

From: [[hu-po]] <br/>

[[Dropout]] randomly removes units during training <a class="yt-timestamp" data-t="00:27:00">[00:27:00]</a>. It prevents co-adaptation of feature detectors <a class="yt-timestamp" data-t="00:27:12">[00:27:12]</a>.

## Variants

*   **Spatial dropout** drops whole feature maps <a class="yt-timestamp" data-t="00:31:02">[00:31:02]</a>.
*   **DropConnect** drops weights instead of activations <a class="yt-timestamp" data-t="00:31:20">[00:31:20]</a>.

## History

Hinton described the idea in 2012 <a class="yt-timestamp" data-t="01:02:03">[01:02:03]</a>.
`;

describe("yt-timestamp anchors after claims (concept notes)", () => {
  it("is read as a transcript whose chunks span the claims they hold", async () => {
    const doc = await ingest("concepts/Dropout.md", conceptNote);
    expect(doc.kind).toBe("transcript");
    const first = chunkWith(doc, "randomly removes units");
    expect([first.start, first.end]).toEqual([1620, 1632]);
    expect(first.text.startsWith("From: [[hu-po]]")).toBe(true);
    const variants = chunkWith(doc, "Spatial dropout");
    expect([variants.start, variants.end]).toEqual([1862, 1880]);
    expect(variants.headings).toEqual(["Variants"]);
    const history = chunkWith(doc, "Hinton described");
    expect([history.start, history.end]).toEqual([3723, 3723]);
    for (const c of doc.chunks) expect(c.video).toBe("https://www.youtube.com/watch?v=0s67_7zy_04");
  });

  it("hides anchors and <br/> from the embedder but keeps them in the stored text", async () => {
    const doc = await ingest("concepts/Dropout.md", conceptNote);
    const first = chunkWith(doc, "randomly removes units");
    expect(first.text).toContain('<a class="yt-timestamp" data-t="00:27:00">[00:27:00]</a>');
    expect(first.embedText).toBe(
      "Dropout\n\nFrom: hu-po\n\nDropout randomly removes units during training. It prevents co-adaptation of feature detectors.",
    );
  });

  it("does not merge claims that lie minutes apart into one chunk", async () => {
    const text = 'A claim <a class="yt-timestamp" data-t="00:01:00">[00:01:00]</a>.\n\nAnother claim <a class="yt-timestamp" data-t="00:50:00">[00:50:00]</a>.';
    const doc = await ingest("c.md", text);
    expect(doc.chunks.map((c) => c.start)).toEqual([60, 3000]);
  });

  it("takes the video from an anchor's href when the note names none", async () => {
    const doc = await ingest("h.md", 'Claim <a class="yt-timestamp" href="https://youtu.be/aircAruvnKk?t=5" data-t="00:00:05">[00:00:05]</a>.');
    expect(doc.chunks[0].video).toBe("https://www.youtube.com/watch?v=aircAruvnKk");
    expect(doc.chunks[0].start).toBe(5);
  });
});

describe("telling transcripts from notes", () => {
  it("keeps a web clipping with a url but no timestamps a plain note", async () => {
    const doc = await ingest("clip.md", "---\nurl: https://example.org/article\n---\n# Article\n\nSome clipped prose.");
    expect(doc.kind).toBe("markdown");
  });

  it("keeps a note with one stray [12:30] among prose a plain note", async () => {
    const doc = await ingest("meeting.md", "# Meeting\n\nWe met at [12:30] in the lab.\n\nThen we discussed results.\n\nAnd plans.");
    expect(doc.kind).toBe("markdown");
    expect(doc.chunks[0].start).toBeUndefined();
  });

  it("reads a note with a video url and any timestamps as a transcript", async () => {
    const doc = await ingest("v.md", "---\nurl: https://www.youtube.com/watch?v=aircAruvnKk\n---\nIntro prose.\n\nMore prose.\n\n[05:00] the point");
    expect(doc.kind).toBe("transcript");
    expect(chunkWith(doc, "the point").start).toBe(300);
  });

  it("ignores timestamps inside code blocks", async () => {
    const doc = await ingest("code.md", "```\n[00:01] log line\n[00:02] log line\n```\n\nprose");
    expect(doc.kind).toBe("markdown");
  });
});
