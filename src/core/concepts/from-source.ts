// Concept notes from one source: plan (propose, check citations, choose paths) and generate (render and
// write what the plan selects). The plugin shows the plan as a preview with checkboxes between the two.
import { detectTimestampStyle, detectVideoId } from "./citations";
import { extractiveDrafts } from "./extractive";
import { checkOutFolder } from "./file-names";
import { proposeConcepts, sourcePrompt } from "./llm-proposer";
import { citableChunks, selectPassages } from "./passages";
import { resolveConcepts } from "./proposal";
import { placeDrafts, runPlan } from "./run-plan";
import {
  ConceptError,
  type ConceptDraft,
  type ConceptPlan,
  type ConceptRunResult,
  type GenerateFromSourceOptions,
  type PlanFromSourceOptions,
  type TimestampStyle,
} from "./types";

export const DEFAULT_MAX_CONCEPTS = 6;
export const DEFAULT_PASSAGE_TOKENS = 12_000;

/** Proposes concepts for a source without writing anything. Throws ConceptError (or the LLM's
 *  LlmError) with a one-sentence message when nothing can be planned. */
export async function planConcepts(options: PlanFromSourceOptions): Promise<ConceptPlan> {
  const { source, vault, llm } = options;
  const outFolder = checkOutFolder(options.outFolder);
  const maxConcepts = Math.max(1, Math.min(20, options.maxConcepts ?? DEFAULT_MAX_CONCEPTS));
  const chunks = citableChunks(source.chunks, source.pageCount);
  if (!chunks.length) throw new ConceptError(`"${source.path}" has no text to make concept notes from.`);
  const warnings = [...(source.warnings ?? [])];

  let drafts: ConceptDraft[];
  if (llm) {
    const table = selectPassages(chunks, options.maxPassageTokens ?? DEFAULT_PASSAGE_TOKENS, source.pageCount);
    if (table.left) warnings.push(`${table.left} of ${chunks.length} passages did not fit the model's budget and were not shown to it.`);
    const raw = await proposeConcepts(llm, sourcePrompt(table, source.title, maxConcepts), table, maxConcepts, options.signal);
    drafts = resolveConcepts(raw, table, warnings);
  } else {
    drafts = extractiveDrafts(chunks, maxConcepts, options.background, source.title);
    if (!drafts.length) warnings.push(`No key phrases with quotable sentences were found in "${source.path}".`);
  }

  let timestampStyle: TimestampStyle = "heading-link";
  let videoId: string | undefined;
  if (source.kind === "transcript") {
    const text = await vault.readText(source.path).catch(() => "");
    timestampStyle = detectTimestampStyle(text);
    videoId = detectVideoId(text, chunks);
    // An anchor without a videoId in the note cannot play anything; fall back to a link that can.
    if (timestampStyle === "yt-anchor" && !videoId) timestampStyle = "heading-link";
  }

  return {
    origin: { kind: "source", path: source.path, title: source.title, sourceKind: source.kind },
    mode: llm ? "llm" : "extractive",
    outFolder,
    timestampStyle,
    videoId: timestampStyle === "yt-anchor" ? videoId : undefined,
    concepts: await placeDrafts(drafts, vault, outFolder, [source.path]),
    warnings,
  };
}

/** Plans (unless given a plan) and writes the selected concepts' notes; `dryRun` writes nothing but
 *  returns what each note would become. */
export async function generateConceptNotes(options: GenerateFromSourceOptions): Promise<ConceptRunResult> {
  const plan = options.plan ?? (await planConcepts(options));
  return runPlan(plan, options);
}
