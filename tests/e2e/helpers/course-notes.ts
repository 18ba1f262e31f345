// Generated lecture notes that pad a test vault out, so indexing it takes long enough (seconds) for
// main-thread stalls to show. Plain English prose with frontmatter and headings, like a student's
// notes, so a word-vector model has words it knows.

const TOPICS = [
  ["optimizers", "momentum and adaptive step sizes"],
  ["tokenization", "splitting text into word pieces"],
  ["attention heads", "how each head weighs other positions"],
  ["positional encoding", "telling the network where a word sits"],
  ["beam search", "keeping several partial translations alive"],
  ["label smoothing", "softening the targets to calibrate confidence"],
  ["dropout", "randomly silencing units during training"],
  ["layer normalization", "rescaling activations inside each example"],
  ["data augmentation", "flipping and cropping images to see more variety"],
  ["transfer learning", "starting from weights trained on another task"],
];

const SENTENCES = [
  (t: string, d: string) => `This week the lecture covered ${t}, that is ${d}.`,
  (t: string) => `The professor compared ${t} across small and large models and asked which effects survive scaling.`,
  (t: string) => `In the lab we changed one setting related to ${t} at a time and recorded the validation accuracy.`,
  (t: string) => `A common mistake with ${t} is to tune it on the test set, which makes the final numbers look better than they are.`,
  (t: string) => `The reading for ${t} was a short survey paper with a clear table of results.`,
  (t: string) => `My own experiment with ${t} ran overnight on the department computer and finished before breakfast.`,
];

/** `count` notes under `folder`, each with a summary and a details section. */
export function courseNotes(count: number, folder = "Course"): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    const [topic, description] = TOPICS[i % TOPICS.length];
    const paragraphs = Array.from({ length: 12 }, (_, j) =>
      [0, 1, 2].map((k) => SENTENCES[(i + j + k) % SENTENCES.length](topic, description)).join(" ") + ` (Session ${i + 1}, point ${j + 1}.)`,
    );
    const week = String(i + 1).padStart(3, "0");
    files[`${folder}/Session ${week} - ${topic}.md`] =
      `---\ntags: [course, ${topic.replace(/ /g, "-")}]\n---\n# Session ${i + 1}: ${topic}\n\n## Summary\n\n${paragraphs.slice(0, 6).join("\n\n")}\n\n## Details\n\n${paragraphs.slice(6).join("\n\n")}\n`;
  }
  return files;
}
