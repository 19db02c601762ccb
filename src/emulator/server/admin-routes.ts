import { Hono } from "hono";
import { z } from "zod";
import { permissionsOf } from "../authz/index.js";
import { grantInputSchema, toGrant } from "../corpus/index.js";
import {
  type GroupMember,
  normalizePath,
  type SyncEntry,
  type SyncNode,
  syncedItems,
} from "../state/index.js";
import type { EmulatorEnv, ServerDeps } from "./env.js";
import { faultConfigSchema } from "./faults.js";
import { badRequest, parseJson } from "./http-errors.js";
import { mintToken } from "./keys.js";
import { recordAdminRoutes } from "./record-admin-routes.js";
import { recordOf } from "./records.js";

// Any JSON fields: serving what the API does not document is the point.
const overlayBody = z.record(z.string(), z.unknown());
const shareBody = z
  .object({ path: z.string(), grant: grantInputSchema.optional(), owner: z.email().optional() })
  .refine((b) => b.grant || b.owner, { message: "give a grant, an owner, or both" });
const unshareBody = z.object({
  path: z.string(),
  principal: z
    .object({
      user: z.email().optional(),
      group: z.string().min(1).optional(),
      domain: z.string().min(1).optional(),
      anyone: z.enum(["link", "public"]).optional(),
    })
    .strict(),
});
const moveBody = z.object({ from: z.string().min(1), to: z.string().min(1) });
const folderBody = z.object({ path: z.string().min(1) });
const personBody = z.object({ email: z.email(), name: z.string().optional(), title: z.string().optional() });
const groupBody = z.object({ name: z.string().optional(), members: z.array(z.string().min(1)).default([]) });
const memberBody = z.object({ member: z.string().min(1) });
const tokenBody = z.object({
  userId: z.string().min(1),
  expiresIn: z.union([z.string(), z.number()]).optional(),
});

/** How the admin API shows a file or folder. */
function nodeView(node: SyncNode) {
  return {
    id: node.id,
    externalId: node.externalId,
    type: node.type,
    path: node.path,
    name: node.name,
    seq: node.seq,
    mimeType: node.mimeType,
    size: node.size,
    updatedAt: node.updatedAt,
    owner: node.owner,
    grants: node.grants,
  };
}

function syncView(sync: SyncEntry) {
  const items = syncedItems(sync);
  return {
    id: sync.id,
    tenant: sync.tenant,
    integration: sync.integration,
    pipeline: sync.pipeline,
    configurationName: sync.configurationName,
    status: sync.deleted ? "DELETED" : sync.status,
    records: items.recordCount,
    deletedRecords: items.deletedCount,
    lastSeq: items.lastSeq,
    rootId: sync.tree.root.id,
  };
}

function toMember(member: string): GroupMember {
  return member.startsWith("group:")
    ? { type: "group", id: member.slice(6) }
    : { type: "user", email: member };
}

/** The admin API, mounted at `/__admin`: change files, records, sharing, groups and faults; read state. */
export function adminRoutes(deps: ServerDeps): Hono<EmulatorEnv> {
  const { state } = deps;
  const app = new Hono<EmulatorEnv>();
  const path = (value: string | undefined) => {
    if (value === undefined) throw badRequest("give the path as ?path=<path below the sync root>");
    return value;
  };

  app.get("/state", (c) =>
    c.json({
      projectId: state.projectId,
      domain: state.directory.domain,
      people: state.directory.people,
      groups: state.directory.groups,
      syncs: state.allSyncs().map(syncView),
      crmUsers: state.crmUsers(),
      faults: deps.faults.current ?? null,
      faultCounts: deps.faults.counts,
      malformed: deps.malformed.list(),
    }),
  );

  // One bad record on a good page: the Sync API serves these fields over the record until cleared.
  app.put("/syncs/:syncId/malformed/:recordId", async (c) => {
    const sync = state.requireSync(c.req.param("syncId"));
    const recordId = c.req.param("recordId");
    recordOf(state, sync, recordId);
    deps.malformed.set(sync.id, recordId, await parseJson(c, overlayBody));
    return c.json({ data: deps.malformed.list().filter((m) => m.syncId === sync.id) });
  });
  app.delete("/syncs/:syncId/malformed/:recordId", (c) =>
    c.json({ removed: deps.malformed.clear(c.req.param("syncId"), c.req.param("recordId")) }),
  );
  // Bad content for a good record (a corrupt archive, a zip bomb): served as its Download Content.
  app.put("/syncs/:syncId/malformed/:recordId/content", async (c) => {
    const sync = state.requireSync(c.req.param("syncId"));
    const recordId = c.req.param("recordId");
    recordOf(state, sync, recordId);
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    deps.malformed.setContent(sync.id, recordId, bytes, c.req.header("content-type") ?? "application/zip");
    return c.json({ data: { syncId: sync.id, recordId, bytes: bytes.byteLength } });
  });
  app.delete("/syncs/:syncId/malformed/:recordId/content", (c) => {
    const syncId = c.req.param("syncId");
    const recordId = c.req.param("recordId");
    const removed = deps.malformed.contentOf(syncId, recordId) !== undefined;
    deps.malformed.setContent(syncId, recordId, undefined);
    return c.json({ removed });
  });

  app.get("/sharing-graph", (c) => c.json(state.sharingGraph()));

  // Paragon answers 401 once a Connected User's credentials are revoked; tests revoke and restore.
  app.post("/users/:userId/revoke", (c) => {
    deps.revokedUsers.add(c.req.param("userId"));
    return c.json({ revoked: [...deps.revokedUsers] });
  });
  app.delete("/users/:userId/revoke", (c) => {
    deps.revokedUsers.delete(c.req.param("userId"));
    return c.json({ revoked: [...deps.revokedUsers] });
  });

  app.get("/syncs/:syncId/nodes", (c) => {
    const sync = state.requireSync(c.req.param("syncId"));
    return c.json({ data: [...sync.tree.nodes()].map(nodeView) });
  });

  app.put("/syncs/:syncId/files", async (c) => {
    const syncId = c.req.param("syncId");
    const at = path(c.req.query("path"));
    const existed = state.requireSync(syncId).tree.getByPath(normalizePath(at)) !== undefined;
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    const node = state.putFile(syncId, at, bytes, { mimeType: c.req.query("mimeType") });
    await deps.persist();
    return c.json({ data: nodeView(node) }, existed ? 200 : 201);
  });

  app.delete("/syncs/:syncId/files", async (c) => {
    const deleted = state.remove(c.req.param("syncId"), path(c.req.query("path")));
    await deps.persist();
    return c.json({ deleted });
  });

  app.post("/syncs/:syncId/folders", async (c) => {
    const body = await parseJson(c, folderBody);
    const node = state.makeFolder(c.req.param("syncId"), body.path);
    await deps.persist();
    return c.json({ data: nodeView(node) });
  });

  app.post("/syncs/:syncId/move", async (c) => {
    const body = await parseJson(c, moveBody);
    const node = state.move(c.req.param("syncId"), body.from, body.to);
    await deps.persist();
    return c.json({ data: nodeView(node) });
  });

  app.post("/syncs/:syncId/share", async (c) => {
    const body = await parseJson(c, shareBody);
    const syncId = c.req.param("syncId");
    if (body.owner) state.setOwner(syncId, body.path, body.owner);
    if (body.grant) state.share(syncId, body.path, toGrant(body.grant));
    await deps.persist();
    return c.json({ data: nodeView(state.nodeAt(syncId, body.path)) });
  });

  app.post("/syncs/:syncId/unshare", async (c) => {
    const body = await parseJson(c, unshareBody);
    const principal = toGrant({ ...body.principal, role: "reader" }).principal;
    const removed = state.unshare(c.req.param("syncId"), body.path, principal);
    await deps.persist();
    return c.json({ removed });
  });

  app.post("/people", async (c) => {
    state.addPerson(await parseJson(c, personBody));
    await deps.persist();
    return c.json({ data: state.directory.people });
  });

  app.put("/groups/:groupId", async (c) => {
    const body = await parseJson(c, groupBody);
    state.putGroup({ id: c.req.param("groupId"), name: body.name, members: body.members.map(toMember) });
    await deps.persist();
    return c.json({ data: state.directory.group(c.req.param("groupId")) });
  });

  app.post("/groups/:groupId/members", async (c) => {
    const body = await parseJson(c, memberBody);
    const added = state.addGroupMember(c.req.param("groupId"), toMember(body.member));
    await deps.persist();
    return c.json({ added, data: state.directory.group(c.req.param("groupId")) });
  });

  app.delete("/groups/:groupId/members/:member", async (c) => {
    const removed = state.removeGroupMember(c.req.param("groupId"), toMember(c.req.param("member")));
    await deps.persist();
    return c.json({ removed, data: state.directory.group(c.req.param("groupId")) });
  });

  app.route("/", recordAdminRoutes(deps));

  // How long the Permission Changes feed keeps changes (older continuation tokens become invalid).
  app.put("/permission-changes", async (c) => {
    const { retentionMs } = await parseJson(c, z.object({ retentionMs: z.number().int().positive() }));
    permissionsOf(state).changeRetentionMs = retentionMs;
    return c.json({ data: { retentionMs } });
  });
  app.get("/faults", (c) => c.json({ data: deps.faults.current ?? null, counts: deps.faults.counts }));
  app.put("/faults", async (c) => c.json({ data: deps.faults.set(await parseJson(c, faultConfigSchema)) }));
  app.delete("/faults", (c) => {
    deps.faults.clear();
    return c.json({ data: null });
  });

  app.post("/tokens", async (c) => {
    const body = await parseJson(c, tokenBody);
    const token = await mintToken(deps.keys, state.projectId, body.userId, body.expiresIn);
    return c.json({ token });
  });

  return app;
}
