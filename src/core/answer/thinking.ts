// Reasoning models served locally (Qwen3, DeepSeek-R1 through Ollama or llama.cpp) put their chain of
// thought in the content as <think>…</think>. It is neither answer nor citation: it is removed from the
// final text and withheld from the token stream.

export function stripThinking(text: string): string {
  // An unclosed <think> (the answer was cut off while thinking) hides everything after it.
  return text.replace(/<think>[\s\S]*?(<\/think>|$)/g, "").replace(/^\s*<\/think>/, "");
}

/** Wraps a token callback so text inside <think>…</think> never reaches it, even when the tags
 *  arrive split across tokens. */
export function createThinkFilter(onToken: (text: string) => void): (text: string) => void {
  let buffer = "";
  let thinking = false;
  return (piece: string) => {
    buffer += piece;
    let out = "";
    for (;;) {
      if (thinking) {
        const end = buffer.indexOf("</think>");
        if (end < 0) {
          // Keep a possible partial closing tag.
          buffer = buffer.slice(Math.max(0, buffer.length - 7));
          break;
        }
        buffer = buffer.slice(end + 8);
        thinking = false;
        continue;
      }
      const start = buffer.indexOf("<think>");
      if (start >= 0) {
        out += buffer.slice(0, start);
        buffer = buffer.slice(start + 7);
        thinking = true;
        continue;
      }
      // Hold back a tail that could be the beginning of "<think>".
      const partial = partialTagAt(buffer, "<think>");
      out += buffer.slice(0, buffer.length - partial);
      buffer = buffer.slice(buffer.length - partial);
      break;
    }
    if (out) onToken(out);
  };
}

function partialTagAt(text: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, text.length); n > 0; n--) if (tag.startsWith(text.slice(text.length - n))) return n;
  return 0;
}
