// The narrow LLM interface the answer and concept layers depend on. The implementation talks to any
// OpenAI-compatible chat-completions server through the `openai` package (see llm-client.ts).

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface CompletionOptions {
  /** Called with each streamed piece of text, in order. */
  onToken?: (text: string) => void;
  signal?: AbortSignal;
  temperature?: number;
  maxTokens?: number;
  /** Ask the server for a JSON object (response_format json_object) where supported. */
  json?: boolean;
}

export interface LlmClient {
  readonly model: string;
  /** Resolves to the whole completion text. Rejects with an LlmError whose message is one sentence
   *  meant for the user (never a stack trace, never the API key). */
  complete(messages: ChatMessage[], options?: CompletionOptions): Promise<string>;
}

export type LlmErrorKind =
  | "unreachable"
  | "unauthorized"
  | "unknown-model"
  | "rate-limited"
  | "server-error"
  | "bad-response"
  | "timeout"
  | "aborted";

export class LlmError extends Error {
  constructor(
    readonly kind: LlmErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "LlmError";
  }
}
