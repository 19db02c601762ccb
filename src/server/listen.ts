import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { FetchHandler } from "../chat/index.js";
import { ClearanceError } from "../errors.js";

/** A server listening on a port, and how to stop it. */
export interface Listening {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * Serves a Web-standard handler (a Hono app's `fetch`) on Node's HTTP server.
 *
 * @example const { url, close } = await listen(app.fetch, { host: "127.0.0.1", port: 0 });
 */
export async function listen(
  fetch: FetchHandler,
  options: { host: string; port: number },
): Promise<Listening> {
  // Loaded here rather than by `import "clearance"`: only a process that serves needs it.
  const { createAdaptorServer } = await import("@hono/node-server");
  const server = createAdaptorServer({ fetch, hostname: options.host }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (cause) =>
      reject(
        new ClearanceError(
          "SERVER_LISTEN_FAILED",
          `cannot listen on ${options.host}:${options.port} (${(cause as Error).message}): pick another --port or CLEARANCE_PORT`,
          { cause },
        ),
      ),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Open SSE streams and keep-alive sockets would hold close() forever.
        server.closeAllConnections();
      }),
  };
}
