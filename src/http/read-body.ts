/**
 * A request body as text, or `undefined` once it passes `maxBytes` (reading stops there, so a huge
 * body costs no more than the limit). Plain Uint8Array work, no Buffer: handlers built on it also run
 * on Deno, Bun and edge runtimes. `signal` stops the read (it throws the signal's reason).
 *
 * @example const text = await readBodyLimited(request, 64 * 1024); if (text === undefined) return tooLarge();
 */
export async function readBodyLimited(
  request: Request,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) return undefined;
  signal?.throwIfAborted();
  if (!request.body) return "";
  const reader = request.body.getReader();
  // A body still arriving when the signal fires is dropped: the pending read ends, and so does the wait.
  const stop = () => void reader.cancel(signal?.reason).catch(() => undefined);
  signal?.addEventListener("abort", stop, { once: true });
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      signal?.throwIfAborted();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        return undefined;
      }
      parts.push(value);
    }
  } finally {
    signal?.removeEventListener("abort", stop);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return new TextDecoder().decode(bytes);
}
