import { Hono } from "hono";
import { z } from "zod";
import { type PermissionService, permissionsOf } from "../authz/index.js";
import type { EmulatorEnv, ServerDeps } from "./env.js";
import { parseJson } from "./http-errors.js";
import { permissionAliasRoutes } from "./permission-alias-routes.js";
import { onPermissionError } from "./permission-errors.js";

// Fields are read loosely (z.unknown) so the service can say exactly what is wrong with each.
const checkBody = z.looseObject({
  object: z.unknown().optional(),
  user: z.unknown().optional(),
  role: z.unknown().optional(),
});
const batchBody = z.looseObject({
  checks: z.array(z.unknown(), { error: "checks must be an array of {object, user, role}" }),
});
const listUsersBody = z.looseObject({ object: z.unknown().optional(), role: z.unknown().optional() });
const listObjectsBody = z.looseObject({
  objectType: z.unknown().optional(),
  user: z.unknown().optional(),
  role: z.unknown().optional(),
});
const expandBody = z.looseObject({ object: z.unknown().optional(), relation: z.unknown().optional() });

/** NDJSON, one `{"object":"<id>"}` per line, sent in batches as the ids are found. */
function ndjsonObjects(ids: AsyncGenerator<string>): Response {
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let text = "";
      for (let i = 0; i < 256; i++) {
        const next = await ids.next();
        if (next.done) {
          if (text) controller.enqueue(encoder.encode(text));
          controller.close();
          return;
        }
        text += `${JSON.stringify({ object: next.value })}\n`;
      }
      controller.enqueue(encoder.encode(text));
    },
    async cancel() {
      await ids.return(undefined);
    },
  });
  return new Response(stream, { headers: { "Content-Type": "application/x-ndjson" } });
}

/**
 * The official Permissions API (`/api/permissions/{syncId}/…`), mounted at `/api/permissions`
 * behind the user-token and fault middleware. A sync that is not the caller's is 404 "Sync not found".
 */
function permissionRoutes(
  deps: Pick<ServerDeps, "state">,
  service: PermissionService = permissionsOf(deps.state),
): Hono<EmulatorEnv> {
  const { state } = deps;
  const app = new Hono<EmulatorEnv>();
  app.onError(onPermissionError);

  app.post("/:syncId/check", async (c) => {
    const sync = state.requireOwnSync(c.var.tenant, c.req.param("syncId"));
    const body = await parseJson(c, checkBody);
    return c.json({ hasAccess: service.check(sync, body) });
  });

  app.post("/:syncId/batch-check", async (c) => {
    const sync = state.requireOwnSync(c.var.tenant, c.req.param("syncId"));
    const body = await parseJson(c, batchBody);
    const result = service.batchCheck(body.checks, (item) => ({
      sync,
      // Older docs call the role `relation`.
      input: { object: item.object, user: item.user, role: item.role ?? item.relation },
    }));
    return c.json({ result });
  });

  app.post("/:syncId/list-users", async (c) => {
    const sync = state.requireOwnSync(c.var.tenant, c.req.param("syncId"));
    const body = await parseJson(c, listUsersBody);
    return c.json({ users: service.listUsers(sync, body) });
  });

  app.post("/:syncId/list-objects", async (c) => {
    const sync = state.requireOwnSync(c.var.tenant, c.req.param("syncId"));
    const body = await parseJson(c, listObjectsBody);
    return c.json({ objects: service.listObjects([sync], body) });
  });

  app.post("/:syncId/streamed-list-objects", async (c) => {
    const sync = state.requireOwnSync(c.var.tenant, c.req.param("syncId"));
    const body = await parseJson(c, listObjectsBody);
    return ndjsonObjects(service.streamObjects(sync, body, c.req.raw.signal));
  });

  // The one GET of the Permissions API: a chronological feed of tuple writes and deletes.
  app.get("/:syncId/changes", (c) => {
    const sync = state.requireOwnSync(c.var.tenant, c.req.param("syncId"));
    const query = (name: string, alias: string) => c.req.query(name) ?? c.req.query(alias);
    return c.json(
      service.changes(sync, {
        type: query("type", "type"),
        startTime: query("startTime", "start_time"),
        continuationToken: query("continuationToken", "continuation_token"),
        pageSize: query("pageSize", "page_size"),
      }),
    );
  });

  app.post("/:syncId/expand", async (c) => {
    const sync = state.requireOwnSync(c.var.tenant, c.req.param("syncId"));
    const body = await parseJson(c, expandBody);
    return c.json(service.expand(sync, body));
  });

  return app;
}

/**
 * Mounts both Permissions API route sets on the emulator app: `/api/permissions/{syncId}/…` and the
 * second seed's `/projects/{projectId}/permissions/…`. Call it after the `/api/*` and `/projects/*`
 * middleware (user token, faults) is registered, so these routes go through both.
 */
export function mountPermissionRoutes(app: Hono<EmulatorEnv>, deps: Pick<ServerDeps, "state">): void {
  const service = permissionsOf(deps.state);
  app.route("/api/permissions", permissionRoutes(deps, service));
  app.route("/projects/:projectId/permissions", permissionAliasRoutes(deps, service));
}
