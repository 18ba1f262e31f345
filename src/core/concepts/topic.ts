// One concept note on a topic, from evidence gathered across the whole vault by the retriever.
import { isInFolder } from "../util/paths";
import type { Chunk } from "../types";
import { detectTimestampStyle, detectVideoId } from "./citations";
import { extractiveTopicDraft } from "./extractive";
import { checkOutFolder } from "./file-names";
import { proposeConcepts, topicPrompt } from "./llm-proposer";
import { citableChunks, selectPassages } from "./passages";
import { cleanTitle, resolveConcepts, uniqueCi } from "./proposal";
import { placeDrafts, runPlan } from "./run-plan";
import { ConceptError, type ConceptDraft, type ConceptPlan, type ConceptRunResult, type TimestampStyle, type TopicOptions } from "./types";

export const DEFAULT_TOPIC_K = 12;

/** Transcripts cited together can share the anchor style only if they are the same video; otherwise
 *  each citation links the video it belongs to. */
async function topicTimestampStyle(options: TopicOptions, chunks: Chunk[]): Promise<{ style: TimestampStyle; videoId?: string }> {
  const transcripts = [...new Set(chunks.filter((c) => c.kind === "transcript").map((c) => c.path))];
  if (!transcripts.length) return { style: "heading-link" };
  const styles: TimestampStyle[] = [];
  const ids = new Set<string>();
  for (const path of transcripts) {
    const text = await options.vault.readText(path).catch(() => "");
    styles.push(detectTimestampStyle(text));
    const id = detectVideoId(text, chunks.filter((c) => c.path === path));
    if (id) ids.add(id);
  }
  if (transcripts.length === 1 && styles[0] === "yt-anchor" && ids.size === 1) return { style: "yt-anchor", videoId: [...ids][0] };
  return { style: styles.some((s) => s !== "heading-link") ? "youtube-link" : "heading-link" };
}

export async function planTopicNote(options: TopicOptions): Promise<ConceptPlan> {
  const topic = options.topic.replace(/\s+/g, " ").trim();
  if (!topic) throw new ConceptError("Name a topic for the concept note.");
  const outFolder = checkOutFolder(options.outFolder);
  // Notes already in the output folder are this feature's own output: citing them would make a topic
  // note its own evidence, and a re-run would rewrite it from itself.
  const filter = outFolder === "" ? undefined : { excludeFolders: [outFolder] };
  const result = await options.retrieve(topic, { k: options.k ?? DEFAULT_TOPIC_K, filter });
  const chunks = citableChunks(result.passages.filter((p) => !filter || !isInFolder(p.chunk.path, outFolder)).map((p) => p.chunk));
  if (!chunks.length) throw new ConceptError(`The vault has no passages about "${topic}" to write a note from.`);
  const warnings = result.notice ? [result.notice] : [];
  const title = cleanTitle(topic.charAt(0).toUpperCase() + topic.slice(1));

  let draft: ConceptDraft | null;
  if (options.llm) {
    const table = selectPassages(chunks, 12_000);
    const raw = await proposeConcepts(options.llm, topicPrompt(table, topic), table, 1, options.signal);
    const [proposed] = resolveConcepts(raw, table, warnings);
    draft = proposed
      ? { ...proposed, title, aliases: uniqueCi([proposed.title, ...proposed.aliases].filter((a) => a.toLowerCase() !== title.toLowerCase())), related: [] }
      : null;
  } else {
    draft = extractiveTopicDraft(topic, title, chunks);
  }
  if (!draft) throw new ConceptError(`None of the passages found for "${topic}" could be cited in a note.`);
  const { style, videoId } = await topicTimestampStyle(options, chunks);
  return {
    origin: { kind: "topic", topic },
    mode: options.llm ? "llm" : "extractive",
    outFolder,
    timestampStyle: style,
    videoId,
    concepts: await placeDrafts([draft], options.vault, outFolder, []),
    warnings,
  };
}

/** Gathers evidence for the topic and writes one note citing every source it draws on. */
export async function generateTopicNote(options: TopicOptions): Promise<ConceptRunResult> {
  const plan = options.plan ?? (await planTopicNote(options));
  return runPlan(plan, options);
}
