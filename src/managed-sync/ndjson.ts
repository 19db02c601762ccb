/**
 * Splits a byte stream into NDJSON lines, whatever the chunk boundaries (including inside a
 * multi-byte character), a batch per chunk read: one await per network chunk, not per line (a
 * list of 25,000 ids spent about 40 ms in per-line awaits). Blank lines are skipped; a last line
 * without a newline is still yielded. Breaking out of the loop cancels the underlying stream.
 */
export async function* ndjsonLineBatches(body: ReadableStream<Uint8Array>): AsyncGenerator<string[]> {
  const reader = body.getReader();
  // stream: true keeps a multi-byte character split across chunks until its last byte arrives.
  const decoder = new TextDecoder();
  let buffered = "";
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
      // Scan with an offset and cut the buffer once per chunk: slicing per line would copy the
      // rest of a large chunk once for every line in it.
      const lines: string[] = [];
      let start = 0;
      let newline = buffered.indexOf("\n", start);
      while (newline !== -1) {
        const line = buffered.slice(start, newline).trim();
        start = newline + 1;
        if (line !== "") lines.push(line);
        newline = buffered.indexOf("\n", start);
      }
      buffered = buffered.slice(start);
      if (lines.length > 0) yield lines;
    }
    finished = true;
    const last = (buffered + decoder.decode()).trim();
    if (last !== "") yield [last];
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/** `ndjsonLineBatches` a line at a time. */
export async function* ndjsonLines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  for await (const lines of ndjsonLineBatches(body)) yield* lines;
}
