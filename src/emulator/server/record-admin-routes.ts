import { Hono } from "hono";
import { z } from "zod";
import type { EmulatorEnv, ServerDeps } from "./env.js";
import { parseJson } from "./http-errors.js";
import { toFieldsRecord } from "./records.js";

// The record itself is checked by the state against its pipeline's schema; here only "an object".
const recordBody = z.record(z.string(), z.unknown());

/**
 * Admin routes for CRM and ticketing records, mounted under `/__admin`: create, update and delete
 * a record of a non-file sync (each emits the `record_*` webhook), list a sync's records, and the
 * CRM user ids `ownerId` holds.
 */
export function recordAdminRoutes(deps: ServerDeps): Hono<EmulatorEnv> {
  const { state } = deps;
  const app = new Hono<EmulatorEnv>();

  app.get("/crm-users", (c) => c.json({ data: state.crmUsers() }));

  app.get("/syncs/:syncId/records", (c) => {
    const sync = state.requireRecordSync(c.req.param("syncId"));
    return c.json({
      data: sync.table.all().map((record) => ({
        ...toFieldsRecord(sync, record),
        seq: record.seq,
        ...(record.comments ? { comments: record.comments } : {}),
        ...(record.attachments ? { attachments: record.attachments } : {}),
      })),
    });
  });

  app.post("/syncs/:syncId/records", async (c) => {
    const syncId = c.req.param("syncId");
    const record = state.createRecord(syncId, await parseJson(c, recordBody));
    await deps.persist();
    return c.json({ data: toFieldsRecord(state.requireSync(syncId), record) }, 201);
  });

  app.patch("/syncs/:syncId/records/:recordId", async (c) => {
    const syncId = c.req.param("syncId");
    const record = state.updateRecord(syncId, c.req.param("recordId"), await parseJson(c, recordBody));
    await deps.persist();
    return c.json({ data: toFieldsRecord(state.requireSync(syncId), record) });
  });

  app.delete("/syncs/:syncId/records/:recordId", async (c) => {
    state.deleteRecord(c.req.param("syncId"), c.req.param("recordId"));
    await deps.persist();
    return c.json({ deleted: 1 });
  });

  return app;
}
