// Errors callers are expected to catch and show: each message is one sentence a user can act on.

export class IndexModelMismatchError extends Error {
  constructor(
    readonly indexModel: string | null,
    readonly requestedModel: string | null,
  ) {
    super(
      indexModel === null
        ? `This index was built without an embedding model (keyword only); re-index to add vectors${requestedModel ? ` for ${requestedModel}` : ""}.`
        : `This index was built with model ${indexModel}; re-index or pass --model ${indexModel}.`,
    );
    this.name = "IndexModelMismatchError";
  }
}

export const DAMAGED_NOTICE = "The index was damaged and will be rebuilt.";
export const VERSION_NOTICE = "The index was written by a different version of Scholia and will be rebuilt.";
