// Markdown side of the demo vault: notes with frontmatter, headings, a block id and links between
// them and into the paper, plus a lecture transcript with [hh:mm:ss] paragraphs.

export const DEMO_PDF_PATH = "Papers/pocketnet-laptop-cnn.pdf";

export const DEMO_NOTES: Record<string, string> = {
  "Notes/Training small CNNs.md": `---
title: Training small CNNs
aliases: [Small CNN training, Laptop training]
tags: [deep-learning, cnn, reading-notes]
---
# Training small CNNs

Notes on [[pocketnet-laptop-cnn.pdf|the PocketNet paper]] and what it means for my own experiments.

## Architecture

PocketNet is a plain four-stage convolutional network with 1.2 million parameters. The authors found
that residual connections did not help at this depth ([[pocketnet-laptop-cnn.pdf#page=3]]).

## Training budget

Training the final model took four days on one laptop GPU, for 120 epochs. Shorter schedules finished
in one or two days but lost up to 2.1 points of accuracy. ^training-budget

The schedule uses a linear warmup followed by cosine decay — see [[Learning rate warmup]].

## Open questions

- Would transfer learning from pretrained weights shorten training further?
- How much does thermal throttling vary between laptops?
`,
  "Notes/Learning rate warmup.md": `---
title: Learning rate warmup
aliases: [Warmup, LR warmup]
tags: [deep-learning, optimization]
---
# Learning rate warmup

Warmup raises the learning rate gradually at the start of training instead of starting at its peak.
With small mini-batches the early gradients are noisy, and a large step can push the weights into a
region the network never recovers from.

## In practice

PocketNet raises the rate linearly from 0.01 to 0.1 over the first five epochs, then decays it with a
cosine schedule ([[Training small CNNs#Training budget]]). ^warmup-recipe

## Related

- [[Batch normalization]] keeps activations in range, which also makes higher rates usable.
`,
  "Notes/Batch normalization.md": `---
title: Batch normalization
aliases: [BatchNorm, BN]
tags: [deep-learning, normalization]
---
# Batch normalization

Batch normalization standardizes each layer's inputs with the mean and variance of the current
mini-batch, then rescales them with learned parameters. It allows higher learning rates and makes
training less sensitive to initialization.

## Small batches

The statistics of very small batches are noisy. The PocketNet study saw accuracy drop to 88.9 percent
with batches of 16 images, while 64 and 128 performed the same. ^small-batch-effect

See also [[Learning rate warmup]] and [[Training small CNNs]].
`,
  "Transcripts/Lecture - CNNs on a budget.md": `---
title: "Lecture: CNNs on a budget"
videoId: dQw4w9WgXcQ
tags: [lecture, transcript]
---
# Lecture: CNNs on a budget

[00:00:00] Welcome back. Today we look at what you can train on the laptop in front of you, and what it costs in time.

[00:00:32] The first constraint is memory. A four gigabyte graphics card holds a surprisingly capable network if you use mixed precision and keep the mini-batch modest.

[00:01:05] The second constraint is the input pipeline. If images are decoded on the fly, the graphics card sits idle half the time, so preprocess once and stream compressed arrays.

[00:01:41] In the PocketNet paper the full run took four days for 120 epochs. Cutting the schedule to 30 epochs saves three days but costs about two points of accuracy.

[00:02:20] Finally, warm up the learning rate. With small batches, starting at the peak rate is the most common reason a run diverges in the first epoch.
`,
};
