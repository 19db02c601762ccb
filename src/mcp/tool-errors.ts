import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { causedByAbort } from "../chat/error-response.js";
import { isPermissionFailure } from "../chat/index.js";
import { ClearanceError } from "../errors.js";

/** How a server's tools run: how errors are told, and the bound on calls at once it shares. */
export interface ToolSettings {
  /** The whole error text for the caller (local stdio); remote callers read codes. */
  detailedErrors: boolean;
  /**
   * Runs `work` in its turn, shared by the server's tools: at most `MAX_CONCURRENT_TOOL_CALLS` run at
   * once. A call cancelled (`signal`) while it waited its turn is not started.
   */
  inTurn<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T>;
  onError: ((error: unknown) => void) | undefined;
}

/**
 * A tool failure as the client sees it. Every failure goes to `onError` whole, except the call's
 * own cancellation once its client went away (`signal`): nothing failed here and nobody reads the
 * answer. A failure the cancellation did not cause is still the server's (as at the chat endpoint).
 * A remote caller (`detailed: false`) reads a stable code and words written for them, never the
 * error's own text: an upstream failure names sync ids, endpoints and the deployment's credentials,
 * and a store that crossed tenants names the other tenant and its chunk (the chat endpoint answers
 * the same way). A local (stdio) caller is the person who configured the server, so they read the
 * whole message.
 */
export function toolFailure(
  error: unknown,
  onError: ((error: unknown) => void) | undefined,
  detailed: boolean,
  signal: AbortSignal,
): CallToolResult {
  if (!(signal.aborted && causedByAbort(error, signal.reason))) onError?.(error);
  const code = error instanceof ClearanceError ? error.code : undefined;
  const text =
    code === undefined
      ? "Clearance failed unexpectedly: see the server's log"
      : detailed
        ? `${(error as Error).message} [${code}]`
        : `${callerMessage(code)} [${code}]`;
  return { content: [{ type: "text", text }], isError: true };
}

function callerMessage(code: string): string {
  if (isPermissionFailure(code)) {
    return "Could not check what you may read, so nothing is returned: try again in a moment";
  }
  return "Clearance failed: try again; the server's log says why";
}

/** One text content item holding `value` as JSON, the shape ChatGPT connectors read, beside `structuredContent`. */
export function jsonResult<T extends Record<string, unknown>>(value: T): CallToolResult {
  return { content: [{ type: "text", text: JSON.stringify(value) }], structuredContent: value };
}
