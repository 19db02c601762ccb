/**
 * A byte stream of a protocol's text. `dispose` (the deadline's timer and its link to the request)
 * runs however the stream ends: done, cancelled by the client, or the text failing outside the
 * protocol's own error handling, which `onError` is told about (the stream then errors, and the
 * client sees the response cut short: its headers are sent, so no status can say more).
 */
export function readableOf(
  events: AsyncIterable<string>,
  dispose: () => void,
  onError: (error: unknown) => void,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = events[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let next: IteratorResult<string>;
      try {
        next = await iterator.next();
      } catch (error) {
        dispose();
        onError(error);
        controller.error(error);
        return;
      }
      if (next.done) {
        dispose();
        controller.close();
      } else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      dispose();
      await iterator.return?.(undefined);
    },
  });
}
