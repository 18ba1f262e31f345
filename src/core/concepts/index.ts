// Public surface of the concept-note pipeline, for the CLI (`concepts`, `concept`) and the plugin.
export { generateConceptNotes, planConcepts, DEFAULT_MAX_CONCEPTS, DEFAULT_PASSAGE_TOKENS } from "./from-source";
export { generateTopicNote, planTopicNote, DEFAULT_TOPIC_K } from "./topic";
export { buildBackgroundStats, backgroundFromChunks } from "./background";
export { existingNotesFrom, existingNotesFromChunks } from "./existing-notes";
export { sanitizeFileStem } from "./file-names";
export * from "./types";
