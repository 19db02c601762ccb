import { Hono } from "hono";
import { z } from "zod";
import { ClearanceError } from "../../errors.js";
import { objectId, type PermissionService, permissionsOf } from "../authz/index.js";
import type { SyncEntry } from "../state/index.js";
import type { EmulatorEnv, ServerDeps } from "./env.js";
import { parseJson } from "./http-errors.js";
import { onPermissionError } from "./permission-errors.js";
import { requireProject } from "./project-guard.js";

// The second seed's paths (`/projects/{projectId}/permissions/…`) with its `{subject, relation,
// object}` bodies. They name no sync: an object is looked up among the caller's syncs, and
// list-objects covers all of them. Relations are the documented roles, as on the official paths.

const NAMES = { user: "subject", role: "relation" };
const accessCheck = z.looseObject({
  subject: z.unknown().optional(),
  relation: z.unknown().optional(),
  object: z.unknown().optional(),
});
const batchBody = z.looseObject({
  checks: z.array(z.unknown(), { error: "checks must be an array of {subject, relation, object}" }),
});
const listUsersBody = z.looseObject({ object: z.unknown().optional(), relation: z.unknown().optional() });
const listObjectsBody = z.looseObject({
  subject: z.unknown().optional(),
  relation: z.unknown().optional(),
  objectType: z.unknown().optional(),
});
const expandBody = z.looseObject({ object: z.unknown().optional(), relation: z.unknown().optional() });

/**
 * Alias routes, mounted at `/projects/:projectId/permissions` by `mountPermissionRoutes`, with the
 * Permissions API's error handler (bad input → 400).
 */
export function permissionAliasRoutes(
  deps: Pick<ServerDeps, "state">,
  service: PermissionService = permissionsOf(deps.state),
): Hono<EmulatorEnv> {
  const { state } = deps;
  const app = new Hono<EmulatorEnv>();
  app.onError(onPermissionError);

  app.use("*", requireProject(state));

  /** The caller's sync holding the record; an unknown record is looked up nowhere (so: no access). */
  const syncOf = (tenant: string, object: unknown): SyncEntry | undefined =>
    state.findRecord(tenant, objectId(object))?.sync;

  app.post("/check-access", async (c) => {
    const body = await parseJson(c, accessCheck);
    const allowed = service.check(
      syncOf(c.var.tenant, body.object),
      { object: body.object, user: body.subject, role: body.relation },
      NAMES,
    );
    return c.json({ allowed });
  });

  app.post("/batch-check-access", async (c) => {
    const body = await parseJson(c, batchBody);
    const results = service.batchCheck(
      body.checks,
      (item) => ({
        sync: syncOf(c.var.tenant, item.object),
        input: { object: item.object, user: item.subject, role: item.relation },
      }),
      NAMES,
    );
    return c.json({ results });
  });

  app.post("/list-users", async (c) => {
    const body = await parseJson(c, listUsersBody);
    const users = service.listUsers(
      syncOf(c.var.tenant, body.object),
      { object: body.object, role: body.relation },
      NAMES,
    );
    return c.json({ users });
  });

  app.post("/list-objects", async (c) => {
    const body = await parseJson(c, listObjectsBody);
    const objects = service.listObjects(
      state.syncsOf(c.var.tenant),
      { objectType: body.objectType ?? "file", user: body.subject, role: body.relation },
      NAMES,
    );
    return c.json({ objects });
  });

  app.post("/expand", async (c) => {
    const body = await parseJson(c, expandBody);
    // An unknown record expands to empty leaves, as in OpenFGA, in any of the caller's syncs.
    const sync = syncOf(c.var.tenant, body.object) ?? state.syncsOf(c.var.tenant)[0];
    if (!sync) throw new ClearanceError("SYNC_NOT_FOUND", "Sync not found: enable a sync first");
    return c.json(service.expand(sync, body));
  });

  return app;
}
