import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { ClearanceError } from "../errors.js";

/**
 * A tool failure as the client sees it: a Clearance error's message (it says what to do, and
 * never carries record content), anything else a generic line, logged with `onError` instead.
 */
export function toolFailure(error: unknown, onError: ((error: unknown) => void) | undefined): CallToolResult {
  onError?.(error);
  const text =
    error instanceof ClearanceError
      ? `${error.message} [${error.code}]`
      : "Clearance failed unexpectedly: see the server's log";
  return { content: [{ type: "text", text }], isError: true };
}

/** One text content item holding `value` as JSON, the shape ChatGPT connectors read, beside `structuredContent`. */
export function jsonResult<T extends Record<string, unknown>>(value: T): CallToolResult {
  return { content: [{ type: "text", text: JSON.stringify(value) }], structuredContent: value };
}
