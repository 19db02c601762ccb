import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { ErrorCode, type JSONRPCMessage, type RequestId } from "@modelcontextprotocol/sdk/types.js";
import type { CallCancellation, CallsOwner } from "./in-flight-calls.js";

/**
 * The SDK's Streamable HTTP transport for one stateless POST (JSON responses), which can also take
 * a cancellation of one of its calls sent in another POST.
 */
export class PostTransport extends WebStandardStreamableHTTPServerTransport implements CallsOwner {
  readonly #answered = new Set<RequestId>();

  constructor() {
    super({ enableJsonResponse: true });
  }

  override async send(message: JSONRPCMessage, options?: { relatedRequestId?: RequestId }): Promise<void> {
    // A response, told by its shape: the SDK's own guards parse the whole result (a fetched record) again.
    if ("id" in message && ("result" in message || "error" in message) && message.id !== undefined) {
      this.#answered.add(message.id);
    }
    return super.send(message, options);
  }

  /**
   * Cancels one of this POST's calls as stdio does: the notification goes to the server, which
   * aborts the call's signal (the search stops embedding, reading the store and asking the
   * Permissions API). The server then sends no answer for it, as MCP says; but this POST is
   * answered only once every call in it is, so a call not answered yet is answered here with an
   * error its client, having cancelled it, ignores.
   */
  cancel({ requestId, reason }: CallCancellation): void {
    this.onmessage?.({
      jsonrpc: "2.0",
      method: "notifications/cancelled",
      params: { requestId, ...(reason === undefined ? {} : { reason }) },
    });
    if (this.#answered.has(requestId)) return;
    void this.send({
      jsonrpc: "2.0",
      id: requestId,
      error: { code: ErrorCode.ConnectionClosed, message: "the call was cancelled by its client" },
    }).catch(() => undefined);
  }
}
