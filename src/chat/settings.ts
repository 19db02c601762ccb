import { DEFAULT_CHAT_K } from "./answer-question.js";
import type { ChatHandlerOptions } from "./endpoint.js";
import { ChatConfigError } from "./errors.js";

/**
 * The largest request body a chat endpoint accepts by default (a conversation is sent whole); the
 * MCP endpoint takes the same bound, so one deployment refuses bodies at one size.
 */
export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

/** How long a chat request may take by default, body to answer; the MCP endpoint's bound on a body's arrival. */
export const DEFAULT_TIMEOUT_MS = 60_000;

/** The endpoint's settings from its options, checked: a handler that cannot work is refused when it is made. */
export function resolveSettings(options: ChatHandlerOptions) {
  const single = options.retriever !== undefined;
  if (single === (options.retrievers !== undefined)) {
    throw new ChatConfigError(
      "createChatHandler needs exactly one of retriever (one tenant) and retrievers (a TenantRetrievers, one per tenant)",
    );
  }
  if (single && (typeof options.retriever?.retrieveWithReport !== "function" || !options.retriever.tenant)) {
    throw new ChatConfigError(
      "createChatHandler needs a retriever with tenant and retrieveWithReport (a PermissionAwareRetriever)",
    );
  }
  if (!single && typeof options.retrievers?.forTenant !== "function") {
    throw new ChatConfigError("createChatHandler retrievers needs forTenant(tenant) (a TenantRetrievers)");
  }
  if (typeof options.identify !== "function") {
    throw new ChatConfigError(
      "createChatHandler needs identify(request) → { tenant, user }: it decides what they may read",
    );
  }
  const maxK = options.maxK ?? 20;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  for (const [name, value] of [
    ["k", options.k],
    ["maxK", maxK],
    ["timeoutMs", timeoutMs],
    ["maxBodyBytes", options.maxBodyBytes],
  ] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
      throw new ChatConfigError(`createChatHandler option ${name} must be a positive integer (got ${value})`);
    }
  }
  // A default larger than a body may ask for would retrieve what maxK exists to forbid.
  if (options.k !== undefined && options.k > maxK) {
    throw new ChatConfigError(
      `createChatHandler option k (${options.k}) is larger than maxK (${maxK}): lower k, or raise maxK to at least ${options.k}`,
    );
  }
  return {
    k: options.k ?? Math.min(DEFAULT_CHAT_K, maxK),
    maxK,
    timeoutMs,
    maxBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
  };
}
