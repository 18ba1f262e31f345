// Turns a plan's selected concepts into notes: links between them and to the vault's notes, citations,
// frontmatter, and the write policy. Shared by source and topic notes.
import type { VaultReader, VaultWriter } from "../vault";
import { createLinkBuilder, fileLink, type LinkBuilder } from "./citations";
import { PathAllocator } from "./file-names";
import { MentionLinker, type LinkTarget } from "./linker";
import { citedSources, renderBody, renderClaim, type BodyInput } from "./note-format";
import type { ConceptDraft, ConceptPlan, ConceptRunResult, ExistingNote, PlannedConcept } from "./types";
import { targetState, writeNote } from "./write-policy";

export interface RunOptions {
  vault: VaultReader & VaultWriter;
  existingNotes: ExistingNote[];
  dryRun?: boolean;
  now?: Date | (() => Date);
  linkBuilder?: LinkBuilder;
}

/** Assigns each draft a safe, unique path in the folder and reads what is there now. */
export async function placeDrafts(
  drafts: ConceptDraft[],
  vault: VaultReader & VaultWriter,
  outFolder: string,
  reserved: string[],
): Promise<PlannedConcept[]> {
  const paths = (await vault.list()).map((e) => e.path);
  const allocator = new PathAllocator(outFolder, paths, reserved);
  const out: PlannedConcept[] = [];
  for (const draft of drafts) {
    const path = allocator.allocate(draft.title);
    const claims = draft.sections.reduce((n, s) => n + s.claims.length, draft.summaryRefs.length ? 1 : 0);
    out.push({ title: draft.title, aliases: draft.aliases, summary: draft.summary, path, target: await targetState(vault, path), selected: true, claims, draft });
  }
  return out;
}

function relatedPaths(concept: PlannedConcept, selected: PlannedConcept[]): string[] {
  const out: string[] = [];
  for (const name of concept.draft.related) {
    const key = name.toLowerCase();
    const hit = selected.find((c) => c !== concept && [c.title, ...c.aliases].some((t) => t.toLowerCase() === key));
    if (hit && !out.includes(hit.path)) out.push(hit.path);
  }
  return out;
}

export async function runPlan(plan: ConceptPlan, options: RunOptions): Promise<ConceptRunResult> {
  const dryRun = options.dryRun ?? false;
  const now = options.now instanceof Date ? options.now : (options.now ?? (() => new Date()))();
  const selected = plan.concepts.filter((c) => c.selected);
  const vaultPaths = new Set((await options.vault.list()).map((e) => e.path));
  const links = options.linkBuilder ?? createLinkBuilder();
  // Only notes that exist now or are written in this run may be linked.
  const targets: LinkTarget[] = [
    ...selected.map((c) => ({ path: c.path, terms: [c.title, ...c.aliases] })),
    ...options.existingNotes
      .filter((n) => vaultPaths.has(n.path) && /\.md$/i.test(n.path))
      .map((n) => ({ path: n.path, terms: [n.title, ...(n.aliases ?? [])] })),
  ];
  const linker = new MentionLinker(targets, (p, asWritten) => fileLink(links, p, asWritten));
  const notes: ConceptRunResult["notes"] = [];
  for (const concept of plan.concepts) {
    if (!concept.selected) {
      notes.push({ path: concept.path, title: concept.title, action: "skipped", reason: "not selected" });
      continue;
    }
    const input: BodyInput = {
      draft: concept.draft,
      path: concept.path,
      extractive: plan.mode === "extractive",
      timestampStyle: plan.timestampStyle,
      links,
      linker,
      related: relatedPaths(concept, selected),
    };
    const sources = citedSources(concept.draft).map((p) => fileLink(links, p));
    const d = concept.draft;
    const claims = [
      ...(d.summaryRefs.length ? [{ text: d.summary, refs: d.summaryRefs }] : []),
      ...d.sections.flatMap((s) => s.claims),
    ].map((cl) => ({ line: renderClaim(cl, input, new Set()), plain: cl.text }));
    notes.push(
      await writeNote(
        options.vault,
        {
          path: concept.path,
          title: concept.title,
          aliases: concept.aliases,
          sources,
          fromLine: `From: ${sources.join(", ")}`,
          videoId: plan.timestampStyle === "yt-anchor" ? plan.videoId : undefined,
          body: renderBody(input),
          claims,
          replaceOtherSources: plan.origin.kind === "topic",
        },
        { dryRun, now },
      ),
    );
  }
  return { notes, plan, dryRun };
}
