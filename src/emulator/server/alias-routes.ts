import { Hono } from "hono";
import { z } from "zod";
import { ClearanceError } from "../../errors.js";
import { type SyncEntry, syncedItems } from "../state/index.js";
import type { EmulatorEnv, ServerDeps } from "./env.js";
import { badRequest, parseJson } from "./http-errors.js";
import type { MalformedRecords } from "./malformed-records.js";
import { contentResponse, pageSizeFrom, pullPage } from "./paging.js";
import { requireProject } from "./project-guard.js";
import { type SyncItem, toRecordJson } from "./records.js";
import { normalizeIntegration } from "./sync-routes.js";

// The second seed's paths (`/projects/{projectId}/sync/…`), kept as aliases so code written
// against that spec runs; they map `syncType` to the pipeline and wrap records as that spec shows.

const STATUS: Record<string, string> = {
  INITIALIZING: "SYNCING",
  ACTIVE: "SYNCING",
  IDLE: "IDLE",
  DISABLED: "DISABLED",
  ERRORED: "ERROR",
};

const enableBody = z.object({
  integration: z.string().min(1),
  syncType: z.string().min(1),
  frequency: z.string().optional(),
});

function syncStatus(sync: SyncEntry) {
  return {
    integration: sync.integration,
    syncType: sync.pipeline,
    status: STATUS[sync.status] ?? sync.status,
    lastSyncedAt: sync.lastSyncedAt,
    recordCount: syncedItems(sync).recordCount,
  };
}

function syncedRecord(sync: SyncEntry, item: SyncItem, malformed: MalformedRecords) {
  return {
    id: item.id,
    integration: sync.integration,
    syncType: sync.pipeline,
    sourceId: item.externalId,
    data: malformed.apply(sync.id, toRecordJson(sync, item)),
    updatedAt: item.updatedAt,
  };
}

/** Alias routes, mounted at `/projects/:projectId/sync`. */
export function aliasRoutes(deps: ServerDeps): Hono<EmulatorEnv> {
  const { state } = deps;
  const app = new Hono<EmulatorEnv>();

  app.use("*", requireProject(state));

  const findSync = (tenant: string, integration: string | undefined, syncType: string | undefined) => {
    if (!integration || !syncType) throw badRequest("give both integration and syncType query parameters");
    const name = normalizeIntegration(integration);
    const matches = state.syncsOf(tenant).filter((s) => s.integration === name && s.pipeline === syncType);
    const sync = matches.find((s) => s.configurationName === "default") ?? matches[0];
    if (!sync) throw new ClearanceError("SYNC_NOT_FOUND", `no ${name}/${syncType} sync: enable it first`);
    return sync;
  };

  const findRecord = (tenant: string, recordId: string) => {
    const found = state.findRecord(tenant, recordId);
    if (!found) throw new ClearanceError("RECORD_NOT_FOUND", `Record not found: ${recordId}`);
    return found;
  };

  app.post("/enable", async (c) => {
    const body = await parseJson(c, enableBody);
    const { sync } = state.enableSync(c.var.tenant, {
      integration: normalizeIntegration(body.integration),
      pipeline: body.syncType,
      configurationName: "default",
    });
    await deps.persist();
    return c.json(syncStatus(sync), 201);
  });

  app.get("/status", (c) =>
    c.json(syncStatus(findSync(c.var.tenant, c.req.query("integration"), c.req.query("syncType")))),
  );

  app.get("/records", (c) => {
    const sync = findSync(c.var.tenant, c.req.query("integration"), c.req.query("syncType"));
    const page = pullPage(sync, c.req.query("cursor"), pageSizeFrom(c.req.query("pageSize")));
    // An empty page ends the loop; the cursor of the last non-empty page is the one to keep.
    return c.json({
      records: page.records.map((node) => syncedRecord(sync, node, deps.malformed)),
      nextCursor: page.records.length > 0 ? page.paging.cursor : null,
    });
  });

  app.get("/records/:recordId", (c) => {
    const { sync, item } = findRecord(c.var.tenant, c.req.param("recordId"));
    return c.json(syncedRecord(sync, item, deps.malformed));
  });

  app.get("/records/:recordId/content", (c) => {
    const { sync, item } = findRecord(c.var.tenant, c.req.param("recordId"));
    return contentResponse(state, sync, item, deps.malformed);
  });

  return app;
}
