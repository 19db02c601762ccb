import type { ServerResponse } from "node:http";
import { delay, type Handler, sendJson } from "./loopback.js";

/** Options of `permissionsHandler`: a tiny ACL and the quirks to script. */
export interface PermissionsServerOptions {
  syncId: string;
  /** object id → emails that may `can_read` it. */
  readers: Record<string, string[]>;
  /** Echo `request.object` as `file:<id>` (as the official RAG example expects). */
  echoPrefix?: boolean;
  /** Return batch-check results in reverse order (so position cannot be trusted). */
  reverse?: boolean;
  /** Objects for which batch-check reports a per-item error instead of a decision. */
  erroring?: string[];
  /** Server-side cap for list-objects / list-users (like OpenFGA's 1000). */
  cap?: number;
  /** Delay before answering a batch-check, to observe concurrency. */
  batchDelayMs?: number;
  /** How streamed-list-objects splits its bytes: chunk sizes cycled through. */
  streamChunkSizes?: number[];
}

/** Tracks what a permissions server saw: batch sizes and the most batch-checks in flight at once. */
export interface PermissionsStats {
  batchSizes: number[];
  maxInFlight: number;
}

const strip = (user: string) => user.replace(/^user:/, "");

/** Serves the documented Permissions API for one sync over a fixed ACL. */
export function permissionsHandler(options: PermissionsServerOptions): {
  handler: Handler;
  stats: PermissionsStats;
} {
  const stats: PermissionsStats = { batchSizes: [], maxInFlight: 0 };
  let inFlight = 0;
  const base = `/api/permissions/${options.syncId}`;
  const allowed = (object: string, user: string) => options.readers[object]?.includes(strip(user)) ?? false;
  const objectsOf = (user: string) => Object.keys(options.readers).filter((object) => allowed(object, user));

  const handler: Handler = async (request, res) => {
    const body = (request.json ?? {}) as Record<string, unknown>;
    switch (request.path) {
      case `${base}/check`:
        return sendJson(res, 200, { hasAccess: allowed(String(body.object), String(body.user)) });
      case `${base}/batch-check`: {
        const checks = body.checks as { object: string; user: string; role: string }[];
        stats.batchSizes.push(checks.length);
        inFlight++;
        stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
        await delay(options.batchDelayMs ?? 0);
        inFlight--;
        const result = checks.map((check) =>
          options.erroring?.includes(check.object)
            ? { allowed: false, request: echo(check), error: "permission graph unavailable for this object" }
            : { allowed: allowed(check.object, check.user), request: echo(check) },
        );
        if (options.reverse) result.reverse();
        return sendJson(res, 200, { result });
      }
      case `${base}/list-users`: {
        const users = options.readers[String(body.object)] ?? [];
        return sendJson(res, 200, { users: users.slice(0, options.cap ?? 1000) });
      }
      case `${base}/list-objects`:
        return sendJson(res, 200, { objects: objectsOf(String(body.user)).slice(0, options.cap ?? 1000) });
      case `${base}/streamed-list-objects`:
        return streamNdjson(res, objectsOf(String(body.user)), options.streamChunkSizes ?? [7, 1, 13, 2]);
      default:
        return sendJson(res, 404, { message: "Not found" });
    }
  };

  function echo(check: { object: string; user: string; role: string }) {
    return { ...check, object: options.echoPrefix ? `file:${check.object}` : check.object };
  }
  return { handler, stats };
}

/** Writes one `{"object": id}` line per id, cut into chunks of the given sizes (splitting lines anywhere). */
export async function streamNdjson(res: ServerResponse, ids: string[], chunkSizes: number[]): Promise<void> {
  res.writeHead(200, { "content-type": "application/x-ndjson" });
  const bytes = Buffer.from(ids.map((object) => `${JSON.stringify({ object })}\n`).join(""), "utf8");
  let offset = 0;
  let i = 0;
  while (offset < bytes.byteLength) {
    const size = chunkSizes[i++ % chunkSizes.length] ?? 1;
    res.write(bytes.subarray(offset, offset + size));
    offset += size;
    // Let each chunk leave as its own TCP write so the client really sees split lines.
    if (i % 16 === 0) await delay(1);
  }
  res.end();
}
