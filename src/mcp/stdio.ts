import type { Readable, Writable } from "node:stream";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { McpCaller } from "./caller.js";
import { createClearanceMcpServer } from "./create-server.js";

export interface McpStdioOptions {
  /** The one person this local server answers for, as configured on this machine. */
  caller: McpCaller;
  /** Default `process.stdin` / `process.stdout`. Nothing else may write to stdout. */
  stdin?: Readable;
  stdout?: Writable;
  onError?: (error: unknown) => void;
}

/** A running stdio server. */
export interface McpStdioSession {
  /** Settles when the client goes away (stdin ends) or `close` is called. */
  closed: Promise<void>;
  close(): Promise<void>;
}

/**
 * Serves Clearance's MCP tools over stdio for one person, the way MCP clients (Claude Desktop,
 * Cursor, …) run local servers: JSON-RPC on stdout, nothing else there (log to stderr). The
 * session ends when the client closes stdin.
 *
 * @example
 * const session = await serveMcpStdio({ caller: { retriever, user: "ana@northwind.test", member: false } });
 * await session.closed;
 */
export async function serveMcpStdio(options: McpStdioOptions): Promise<McpStdioSession> {
  const stdin = options.stdin ?? process.stdin;
  const server = createClearanceMcpServer({
    caller: options.caller,
    identitySource: "local",
    ...(options.onError ? { onError: options.onError } : {}),
  });
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = resolve;
  });
  await server.connect(new StdioServerTransport(stdin, options.stdout ?? process.stdout));
  const close = () => server.close();
  // The transport does not notice the client leaving: stdin ending is that signal.
  stdin.once("end", () => void close());
  return { closed, close };
}
