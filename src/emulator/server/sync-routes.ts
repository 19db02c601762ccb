import { Hono } from "hono";
import { z } from "zod";
import { type SyncEntry, syncedItems } from "../state/index.js";
import { encodeCursor } from "./cursor.js";
import type { EmulatorEnv, ServerDeps } from "./env.js";
import { parseJson } from "./http-errors.js";
import { contentResponse, pageSizeFrom, pullPage } from "./paging.js";
import { recordOf, toRecordJson } from "./records.js";

/** Paragon integration ids are lowercase without separators ("googleDrive" → "googledrive"). */
export function normalizeIntegration(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

const enableBody = z.object({
  integration: z.string().min(1),
  pipeline: z.string().min(1),
  configuration: z.record(z.string(), z.unknown()).optional(),
  configurationName: z.string().min(1).optional(),
  credentialId: z.uuid().optional(),
});
const updateBody = z.object({ credentialId: z.uuid() });

function summary(sync: SyncEntry) {
  return {
    id: sync.id,
    integration: sync.integration,
    pipeline: sync.pipeline,
    status: sync.status,
    configurationName: sync.configurationName,
    dateCreated: sync.dateCreated,
    dateUpdated: sync.dateUpdated,
  };
}

/** The official Sync API (`/api/syncs…`), scoped to the token's Connected User. */
export function syncRoutes(deps: ServerDeps): Hono<EmulatorEnv> {
  const { state } = deps;
  const app = new Hono<EmulatorEnv>();
  const own = (tenant: string, syncId: string) => state.requireOwnSync(tenant, syncId);

  app.post("/syncs", async (c) => {
    const body = await parseJson(c, enableBody);
    const { sync } = state.enableSync(c.var.tenant, {
      integration: normalizeIntegration(body.integration),
      pipeline: body.pipeline,
      configurationName: body.configurationName ?? "default",
      configuration: body.configuration,
      credentialId: body.credentialId,
    });
    await deps.persist();
    return c.json({
      id: sync.id,
      userId: sync.tenant,
      integration: sync.integration,
      pipeline: sync.pipeline,
      projectId: state.projectId,
      // Paragon answers INITIALIZING; the emulator has already caught up by the next status call.
      status: "INITIALIZING",
    });
  });

  app.get("/syncs", (c) => c.json({ data: state.syncsOf(c.var.tenant).map(summary) }));

  app.get("/syncs/:syncId", (c) => {
    const sync = own(c.var.tenant, c.req.param("syncId"));
    const items = syncedItems(sync);
    return c.json({
      status: sync.status,
      summary: {
        totalRecords: items.recordCount,
        syncedRecordsCount: items.recordCount,
        lastSyncedAt: sync.lastSyncedAt,
        latestCursor: encodeCursor(sync.id, items.lastSeq),
      },
    });
  });

  app.post("/syncs/:syncId/disable", async (c) => {
    const sync = state.disableSync(c.var.tenant, c.req.param("syncId"));
    await deps.persist();
    return c.json({ id: sync.id, status: sync.status, message: "Sync successfully disabled" });
  });

  app.post("/syncs/:syncId/reenable", async (c) => {
    const sync = state.reenableSync(c.var.tenant, c.req.param("syncId"));
    await deps.persist();
    return c.json({ id: sync.id, status: sync.status, message: "Sync successfully re-enabled" });
  });

  app.patch("/syncs/:syncId", async (c) => {
    own(c.var.tenant, c.req.param("syncId"));
    const body = await parseJson(c, updateBody);
    const sync = state.setCredential(c.var.tenant, c.req.param("syncId"), body.credentialId);
    await deps.persist();
    return c.json({
      id: sync.id,
      data: { credentialId: body.credentialId },
      message: "Update request accepted and is being processed",
    });
  });

  app.delete("/syncs/:syncId", async (c) => {
    const syncId = c.req.param("syncId");
    state.deleteSync(c.var.tenant, syncId);
    await deps.persist();
    return c.json({ id: syncId, message: "Sync successfully deleted" });
  });

  app.get("/syncs/:syncId/records", (c) => {
    const sync = own(c.var.tenant, c.req.param("syncId"));
    const size = pageSizeFrom(c.req.query("pageSize") ?? c.req.query("page_size"));
    const { data, paging } = pullPage(sync, c.req.query("cursor"), size);
    return c.json({ data: data.map((record) => deps.malformed.apply(sync.id, record)), paging });
  });

  app.get("/syncs/:syncId/records/:recordId", (c) => {
    const sync = own(c.var.tenant, c.req.param("syncId"));
    const record = toRecordJson(sync, recordOf(state, sync, c.req.param("recordId")));
    return c.json({ data: deps.malformed.apply(sync.id, record) });
  });

  app.get("/syncs/:syncId/records/:recordId/content", (c) => {
    const sync = own(c.var.tenant, c.req.param("syncId"));
    return contentResponse(state, sync, recordOf(state, sync, c.req.param("recordId")), deps.malformed);
  });

  return app;
}
