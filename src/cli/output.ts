// Output helpers: results on stdout, everything else on stderr, errors as one line.

export function oneLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.replace(/\s+/g, " ").trim() || "unknown error";
}

export function writeJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + "\n");
}

export function writeOut(text: string): void {
  process.stdout.write(text.endsWith("\n") ? text : text + "\n");
}

export function notice(text: string): void {
  process.stderr.write(`scholia: ${text}\n`);
}

/** A progress line on stderr: rewritten in place on a terminal, throttled lines otherwise. */
export function progressReporter(): { update(line: string): void; done(): void } {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let shown = false;
  return {
    update(line: string) {
      const now = Date.now();
      if (now - last < (tty ? 100 : 2000)) return;
      last = now;
      shown = true;
      if (tty) process.stderr.write(`\r\x1b[K${line}`);
      else process.stderr.write(`${line}\n`);
    },
    done() {
      if (tty && shown) process.stderr.write("\r\x1b[K");
    },
  };
}
