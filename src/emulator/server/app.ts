import { Hono } from "hono";
import { adminRoutes } from "./admin-routes.js";
import { aliasRoutes } from "./alias-routes.js";
import { requireAdminToken, requireUserToken } from "./auth.js";
import type { EmulatorEnv, ServerDeps } from "./env.js";
import { injectFaults } from "./faults.js";
import { errorResponse, onError } from "./http-errors.js";
import { mountPermissionRoutes } from "./permission-routes.js";
import { syncRoutes } from "./sync-routes.js";

/**
 * The emulator as a Hono app: the Sync API at `/api`, the second seed's aliases at
 * `/projects/{projectId}/sync`, the admin API at `/__admin`. Faults never touch the admin API.
 */
export function createEmulatorApp(deps: ServerDeps): Hono<EmulatorEnv> {
  const app = new Hono<EmulatorEnv>();
  app.onError(onError);
  app.notFound((c) => errorResponse(c, 404, "NOT_FOUND", `no route ${c.req.method} ${c.req.path}`));

  app.use("/__admin/*", requireAdminToken(deps.adminToken));
  app.route("/__admin", adminRoutes(deps));

  const faults = injectFaults(deps.faults);
  const user = requireUserToken(deps.keys, deps.state.projectId, deps.revokedUsers);
  app.use("/api/*", faults, user);
  app.use("/projects/*", faults, user);
  app.route("/api", syncRoutes(deps));
  app.route("/projects/:projectId/sync", aliasRoutes(deps));
  mountPermissionRoutes(app, deps);
  return app;
}
