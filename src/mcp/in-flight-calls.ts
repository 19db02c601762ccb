import {
  CancelledNotificationSchema,
  isInitializeRequest,
  isJSONRPCRequest,
  type RequestId,
} from "@modelcontextprotocol/sdk/types.js";
import type { Identity } from "../tenants/index.js";

/** The cancellation of one call, as the client sent it (`notifications/cancelled`). */
export interface CallCancellation {
  requestId: RequestId;
  reason?: string;
}

/** The POST running some calls: how another POST's cancellation reaches them. */
export interface CallsOwner {
  cancel(cancellation: CallCancellation): void;
}

/**
 * The tool calls under way over HTTP, by who asked and the call's JSON-RPC id. Over stdio one
 * server hears both a call and its `notifications/cancelled`; over stateless HTTP the cancellation
 * comes in another POST, to another server, so it is routed here to the POST that runs the call.
 * Only the same person's POSTs can reach their calls: a guessed id (they are small integers)
 * cancels nothing of anyone else's. Two of one person's clients may both have a call with the same
 * id under way; a cancellation naming it then cancels neither (cancelling is advisory: the call
 * finishes unread), never the wrong one. Calls on another replica are not reached.
 */
export class InFlightCalls {
  readonly #owners = new Map<string, Set<CallsOwner>>();

  /** Registers the calls in a POST's `messages` as run by `owner`; returns the function that removes them. */
  hold(identity: Identity, messages: readonly unknown[], owner: CallsOwner): () => void {
    // An initialize may not be cancelled (MCP): only the calls that can are held.
    const keys = messages
      .filter((m) => isJSONRPCRequest(m) && !isInitializeRequest(m))
      .map((m) => callKey(identity, (m as { id: RequestId }).id));
    for (const key of keys) {
      const owners = this.#owners.get(key) ?? new Set();
      owners.add(owner);
      this.#owners.set(key, owners);
    }
    return () => {
      for (const key of keys) {
        const owners = this.#owners.get(key);
        owners?.delete(owner);
        if (owners?.size === 0) this.#owners.delete(key);
      }
    };
  }

  /** Hands each cancellation in a POST's `messages` to the one POST of the same person running that call. */
  cancel(identity: Identity, messages: readonly unknown[]): void {
    for (const message of messages) {
      const parsed = CancelledNotificationSchema.safeParse(message);
      const requestId = parsed.success ? parsed.data.params.requestId : undefined;
      if (requestId === undefined) continue;
      const owners = this.#owners.get(callKey(identity, requestId));
      if (owners?.size !== 1) continue;
      const reason = parsed.data?.params.reason;
      for (const owner of owners) owner.cancel({ requestId, ...(reason === undefined ? {} : { reason }) });
    }
  }
}

// The id's type is part of it: JSON-RPC's 1 and "1" are different calls.
const callKey = (identity: Identity, id: RequestId) => JSON.stringify([identity.tenant, identity.user, id]);
