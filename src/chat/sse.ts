/** One Server-Sent Event, its data as JSON. */
export function sseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  // Proxies such as nginx buffer by default, which would hold tokens back.
  "x-accel-buffering": "no",
} as const;
