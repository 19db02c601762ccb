import { bodyTimeout, CLIENT_CLOSED } from "../chat/error-response.js";
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_TIMEOUT_MS } from "../chat/settings.js";
import { ClearanceError } from "../errors.js";
import { Deadline, untilAborted } from "../managed-sync/signals.js";
import type { PermissionAwareRetriever } from "../retrieval/index.js";
import {
  type Identify,
  type Identity,
  IdentityError,
  IdentityUnavailableError,
  normalizeIdentity,
  type RetrieverSource,
  UnknownTenantError,
} from "../tenants/index.js";
import { createClearanceMcpServer } from "./create-server.js";
import { InFlightCalls } from "./in-flight-calls.js";
import { readJsonRpcBody } from "./json-rpc-body.js";
import { PostTransport } from "./post-transport.js";
import { bearerChallenge, type ProtectedResource, protectedResourceMetadata } from "./protected-resource.js";
import { rpcError } from "./rpc-error.js";

export interface McpHttpHandlerOptions {
  /** Each tenant's retriever (`TenantRetrievers`, or `singleTenant(retriever)`). */
  retrievers: RetrieverSource<PermissionAwareRetriever>;
  /**
   * Who is asking, from the request: verified bearer tokens (`jwtIdentity` with `audience` = the
   * resource URL) in production. Its identity is trusted as a verified member of its tenant.
   */
  identify: Identify;
  /**
   * The OAuth protected resource this endpoint is (production). Absent only with development
   * identities (unsigned headers): then no metadata is published.
   */
  oauth?: ProtectedResource;
  /** Browser origins allowed to call besides the resource's own (DNS-rebinding protection); others get 403. */
  allowedOrigins?: readonly string[];
  /**
   * Largest POST body accepted (default 256 KiB, the chat endpoints' `maxBodyBytes`): past it, 413
   * `BODY_TOO_LARGE` and the rest is not read. A JSON-RPC batch of 100 searches fits in a tenth of it.
   */
  maxBodyBytes?: number;
  /**
   * How long a POST body may take to arrive (default 60 s, the chat endpoints' `timeoutMs`): past
   * it, 408 `REQUEST_TIMEOUT`, so a body sent slowly holds no socket longer than an answer would.
   */
  bodyTimeoutMs?: number;
  /** Unexpected failures (identity provider unreachable, tool errors): log them. */
  onError?: (error: unknown) => void;
}

/** The MCP endpoint over Streamable HTTP, and its protected-resource metadata. */
export interface McpHttpHandler {
  /** Handles a request to the MCP endpoint (e.g. `/mcp`): POST carries JSON-RPC; GET and DELETE are 405 (stateless). */
  handle(request: Request): Promise<Response>;
  /** The RFC 9728 metadata document, or a 404 when no OAuth resource is configured. */
  metadata(): Response;
}

/**
 * Clearance's MCP tools over Streamable HTTP for every tenant: each request is authenticated on
 * its own (no sessions: a token's expiry or revocation takes effect on the next call), resolved to
 * the person's tenant retriever, and answered by a server bound to that person. No token, or a
 * refused one: 401 with the `WWW-Authenticate` challenge pointing at the metadata, and no tool runs.
 *
 * @example
 * const mcp = createMcpHttpHandler({ retrievers, identify: jwtIdentity({ jwksUrl, issuer, audience: resource.href, tenantClaim: "org_id" }), oauth: { resource, authorizationServers: [issuer] } });
 * app.all("/mcp", (c) => mcp.handle(c.req.raw));
 */
export function createMcpHttpHandler(options: McpHttpHandlerOptions): McpHttpHandler {
  const { retrievers, identify, oauth, onError } = options;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const bodyTimeoutMs = options.bodyTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  for (const [name, value] of [
    ["maxBodyBytes", maxBodyBytes],
    ["bodyTimeoutMs", bodyTimeoutMs],
  ] as const) {
    if (!(Number.isInteger(value) && value > 0)) {
      throw new ClearanceError(
        "MCP_CONFIG_INVALID",
        `createMcpHttpHandler option ${name} must be a positive integer (got ${value})`,
      );
    }
  }
  const allowedOrigins = new Set([
    ...(options.allowedOrigins ?? []),
    ...(oauth ? [oauth.resource.origin] : []),
  ]);
  const inFlight = new InFlightCalls();
  const unauthorized = (refused?: string) =>
    Response.json(
      refused === undefined
        ? { error: "invalid_request", error_description: "sign in: send Authorization: Bearer <token>" }
        : { error: "invalid_token", error_description: refused },
      {
        status: 401,
        headers: {
          "www-authenticate": oauth ? bearerChallenge(oauth.resource, refused) : 'Bearer realm="clearance"',
        },
      },
    );

  return {
    async handle(request) {
      const origin = request.headers.get("origin");
      if (origin !== null && !allowedOrigins.has(origin)) {
        return rpcError(403, `origin ${origin} may not call this server`);
      }
      let identity: Identity | undefined;
      try {
        // Canonical, as at the chat endpoint: a custom identify's " acme" or "Ana@…" is the same
        // tenant and person, and one missing either part is nobody.
        identity = normalizeIdentity(await identify(request));
      } catch (error) {
        if (error instanceof IdentityError) return unauthorized(error.message);
        onError?.(error);
        // The provider is down, not the token wrong: a 401 would send the client to sign in again.
        if (error instanceof IdentityUnavailableError) {
          return rpcError(503, IdentityUnavailableError.forCaller, { headers: { "retry-after": "5" } });
        }
        return rpcError(500, "identifying the caller failed: see the server's log");
      }
      if (!identity) return unauthorized();
      if (request.method !== "POST") {
        return rpcError(405, "this server is stateless: send JSON-RPC with POST", {
          headers: { allow: "POST" },
        });
      }
      let retriever: PermissionAwareRetriever;
      try {
        retriever = retrievers.forTenant(identity.tenant);
      } catch (error) {
        // Worded for the caller, as at the chat endpoint: the error's own text is advice to the operator.
        if (error instanceof UnknownTenantError) {
          return rpcError(403, UnknownTenantError.forCaller);
        }
        onError?.(error);
        return rpcError(500, "your organisation's search could not be opened: see the server's log");
      }
      let body: Awaited<ReturnType<typeof readJsonRpcBody>>;
      const arrival = new Deadline(request.signal, bodyTimeoutMs);
      try {
        body = await readJsonRpcBody(request, maxBodyBytes, arrival.signal);
      } catch (error) {
        if (arrival.timedOut) {
          const late = bodyTimeout(bodyTimeoutMs);
          return rpcError(late.status, late.message, { code: late.code, headers: late.headers ?? {} });
        }
        if (request.signal.aborted) return clientClosed();
        throw error;
      } finally {
        arrival.dispose();
      }
      if (!body.ok) return body.response;
      const messages = Array.isArray(body.value) ? body.value : [body.value];
      // A cancellation names a call another POST of this person runs, at another server.
      inFlight.cancel(identity, messages);
      const server = createClearanceMcpServer({
        caller: { retriever, user: identity.user, member: true },
        identitySource: oauth ? "token" : "dev-headers",
        ...(onError ? { onError } : {}),
      });
      const transport = new PostTransport();
      await server.connect(transport);
      const release = inFlight.hold(identity, messages, transport);
      try {
        // The SDK's transport does not watch the request's signal: a client that closes the
        // request (rather than cancelling one call, which inFlight routes here) is heard only
        // through it. Closing this POST's server then aborts its tool calls' signals, so a search
        // stops embedding, reading the store and asking the Permissions API for no one.
        return await untilAborted(
          transport.handleRequest(request, { parsedBody: body.value }),
          request.signal,
        );
      } catch (error) {
        if (!request.signal.aborted) throw error;
        // As at the chat endpoint: a 499 nobody reads, counted apart from the server's failures.
        // Each tool tells onError what failed for another reason than the abort (toolFailure).
        return clientClosed();
      } finally {
        release();
        await server.close();
      }
    },
    metadata() {
      if (!oauth) return rpcError(404, "no OAuth protected resource is configured here");
      return Response.json(protectedResourceMetadata(oauth), {
        headers: { "cache-control": "max-age=3600", "access-control-allow-origin": "*" },
      });
    },
  };
}

/** As at the chat endpoint: a 499 nobody reads, counted apart from the server's failures. */
function clientClosed(): Response {
  return rpcError(CLIENT_CLOSED.status, CLIENT_CLOSED.message, { code: CLIENT_CLOSED.code });
}
