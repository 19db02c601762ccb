import type { FetchHandler } from "../chat/index.js";

/** Counts a handler's responses by status, for `GET /health`. */
export function countResponses(handler: FetchHandler): {
  handler: FetchHandler;
  snapshot(): { requests: number; byStatus: Record<string, number> };
} {
  let requests = 0;
  const byStatus: Record<string, number> = {};
  return {
    handler: async (request) => {
      requests += 1;
      const response = await handler(request);
      byStatus[response.status] = (byStatus[response.status] ?? 0) + 1;
      return response;
    },
    snapshot: () => ({ requests, byStatus: { ...byStatus } }),
  };
}
