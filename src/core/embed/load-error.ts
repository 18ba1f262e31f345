// Turns whatever transformers.js or onnxruntime threw while loading a model into one sentence a user
// can act on. Their raw messages mention `local_files_only`, cache keys and protobuf offsets.

export interface LoadContext {
  model: string;
  isLocal: boolean;
  allowRemote: boolean;
}

/** The model file a "not found" error is about (e.g. "config.json", "onnx/model_quantized.onnx"). */
export function missingFile(error: unknown): string | null {
  const message = error instanceof Error ? error.message : String(error);
  if (!/not found|could not locate|no such file|ENOENT/i.test(message)) return null;
  const path = /"([^"]+\.(?:onnx|json|onnx_data))"/.exec(message)?.[1] ?? /(\S+\.(?:onnx|json))/.exec(message)?.[1];
  if (!path) return null;
  const parts = path.replace(/\\/g, "/").split("/");
  const name = parts.pop() ?? path;
  return parts.at(-1) === "onnx" ? `onnx/${name}` : name;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split("\n")[0].trim().replace(/\.$/, "");
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

const NETWORK = /fetch failed|network|ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|socket|timed? ?out|Failed to fetch/i;

export function describeLoadError(error: unknown, ctx: LoadContext): string {
  const message = firstLine(error);
  const file = missingFile(error);
  const cause = error instanceof Error && error.cause ? firstLine(error.cause) : "";
  const corrupt = /Load model from (\S+?) failed:\s*Protobuf parsing failed/i.exec(message);
  if (corrupt) {
    const name = corrupt[1].replace(/\\/g, "/").split("/").slice(-2).join("/");
    return `Could not load the embedding model ${ctx.isLocal ? "from " : ""}${ctx.model}: ${name} is not a valid ONNX file (incomplete download?).`;
  }
  if (ctx.isLocal) {
    if (file) return `The embedding model folder ${ctx.model} has no ${file}.`;
    return `Could not load the embedding model from ${ctx.model}: ${message}.`;
  }
  if (!ctx.allowRemote) {
    if (file) return `The embedding model ${ctx.model} is not downloaded yet and downloading is turned off.`;
    return `Could not load the embedding model ${ctx.model}: ${message}.`;
  }
  if (/\b(401|403)\b|unauthori[sz]ed|forbidden/i.test(message)) {
    return `Could not download the embedding model ${ctx.model}: the hub requires an access token (gated or private model).`;
  }
  if (file && /could not locate/i.test(message)) {
    if (file === "config.json") return `Could not download the embedding model ${ctx.model}: the hub has no such model.`;
    return `Could not download the embedding model ${ctx.model}: the hub has no ${file} for it (is it a transformers.js model?).`;
  }
  if (NETWORK.test(message) || NETWORK.test(cause)) return `Could not download the embedding model ${ctx.model} (offline?).`;
  if (/server error|bad gateway|service unavailable|gateway timeout|\(5\d\d\)/i.test(message)) {
    return `Could not download the embedding model ${ctx.model}: the hub answered with a server error; try again later.`;
  }
  return `Could not load the embedding model ${ctx.model}: ${message}.`;
}
