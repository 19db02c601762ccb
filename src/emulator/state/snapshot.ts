import { z } from "zod";
import type { ContentStore } from "./content-store.js";
import { Directory } from "./directory.js";
import { EmulatorState } from "./emulator-state.js";
import { EmulatorStateError } from "./errors.js";
import { RecordTable } from "./record-table.js";
import type { SyncEntry } from "./sync-entry.js";
import { SyncTree } from "./sync-tree.js";
import type { SyncNode, SyncRecord } from "./types.js";

const principal = z.discriminatedUnion("type", [
  z.object({ type: z.literal("user"), email: z.string() }),
  z.object({ type: z.literal("group"), id: z.string() }),
  z.object({ type: z.literal("domain"), domain: z.string() }),
  z.object({ type: z.literal("anyone"), scope: z.enum(["link", "public"]) }),
]);
const grant = z.object({ principal, role: z.enum(["owner", "writer", "reader"]) });
const member = z.discriminatedUnion("type", [
  z.object({ type: z.literal("user"), email: z.string() }),
  z.object({ type: z.literal("group"), id: z.string() }),
]);
const node = z.object({
  id: z.string(),
  externalId: z.string(),
  type: z.enum(["file", "folder"]),
  name: z.string(),
  path: z.string(),
  parentId: z.string().nullable(),
  mimeType: z.string(),
  size: z.number(),
  hash: z.object({ md5: z.string(), sha256: z.string() }).nullable(),
  url: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  seq: z.number(),
  owner: z.string(),
  grants: z.array(grant),
});
const person = z.object({
  id: z.string().optional(),
  name: z.string().optional(),
  email: z.string().optional(),
});
const record = z.object({
  id: z.string(),
  externalId: z.string(),
  seq: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  fields: z.record(z.string(), z.unknown()),
  comments: z.array(z.object({ author: person, body: z.string(), createdAt: z.string() })).optional(),
  attachments: z
    .array(
      z.object({ name: z.string(), content: z.string(), encoding: z.enum(["utf8", "base64"]).optional() }),
    )
    .optional(),
});
const sync = z.object({
  id: z.string(),
  tenant: z.string(),
  integration: z.string(),
  pipeline: z.string(),
  configurationName: z.string(),
  configuration: z.record(z.string(), z.unknown()),
  credentialId: z.string().nullable(),
  status: z.enum(["INITIALIZING", "ACTIVE", "IDLE", "DISABLED", "ERRORED"]),
  deleted: z.boolean(),
  dateCreated: z.string(),
  dateUpdated: z.string(),
  lastSyncedAt: z.string().nullable(),
  defaultOwner: z.string(),
  nextSeq: z.number(),
  deletedCount: z.number(),
  nodes: z.array(node).min(1),
  // CRM/ticket records (state folders written before they existed have none).
  records: z.array(record).default([]),
  recordsNextSeq: z.number().default(1),
  recordsDeletedCount: z.number().default(0),
});
const snapshotSchema = z.object({
  version: z.literal(1),
  projectId: z.string(),
  domain: z.string(),
  people: z.array(z.object({ email: z.string(), name: z.string().optional(), title: z.string().optional() })),
  groups: z.array(z.object({ id: z.string(), name: z.string().optional(), members: z.array(member) })),
  syncs: z.array(sync),
});

/** The persisted form of the whole state (file bytes live beside it, by sha256). */
export type StateSnapshot = z.infer<typeof snapshotSchema>;

/** Captures the state as plain JSON-ready data. */
export function toSnapshot(state: EmulatorState): StateSnapshot {
  return {
    version: 1,
    projectId: state.projectId,
    domain: state.directory.domain,
    people: state.directory.people,
    groups: state.directory.groups,
    syncs: state.allSyncs().map((entry) => ({
      id: entry.id,
      tenant: entry.tenant,
      integration: entry.integration,
      pipeline: entry.pipeline,
      configurationName: entry.configurationName,
      configuration: entry.configuration,
      credentialId: entry.credentialId,
      status: entry.status,
      deleted: entry.deleted,
      dateCreated: entry.dateCreated,
      dateUpdated: entry.dateUpdated,
      lastSyncedAt: entry.lastSyncedAt,
      defaultOwner: entry.defaultOwner,
      nextSeq: entry.tree.seqCounter,
      deletedCount: entry.tree.deletedCount,
      nodes: [...entry.tree.nodes()],
      records: entry.table.all(),
      recordsNextSeq: entry.table.seqCounter,
      recordsDeletedCount: entry.table.deletedCount,
    })),
  };
}

/** Rebuilds the state from a snapshot read from `source` (named in errors). */
export function fromSnapshot(data: unknown, content: ContentStore, source: string): EmulatorState {
  const parsed = snapshotSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EmulatorStateError(
      "STATE_FILE_INVALID",
      `${source}: ${issue?.path.join(".") ?? ""} ${issue?.message ?? "is invalid"}; delete the state folder to start again from the corpus`,
    );
  }
  const snap = parsed.data;
  const state = new EmulatorState({
    projectId: snap.projectId,
    directory: new Directory(snap.domain, snap.people, snap.groups),
    content,
  });
  for (const s of snap.syncs) {
    const [root, ...others] = s.nodes as SyncNode[];
    const entry: SyncEntry = {
      id: s.id,
      tenant: s.tenant,
      integration: s.integration,
      pipeline: s.pipeline,
      configurationName: s.configurationName,
      configuration: s.configuration,
      credentialId: s.credentialId,
      status: s.status,
      deleted: s.deleted,
      dateCreated: s.dateCreated,
      dateUpdated: s.dateUpdated,
      lastSyncedAt: s.lastSyncedAt,
      defaultOwner: s.defaultOwner,
      tree: SyncTree.restore(root!, others, s.nextSeq, s.deletedCount),
      table: RecordTable.restore(s.records as SyncRecord[], s.recordsNextSeq, s.recordsDeletedCount),
    };
    state.adoptSync(entry);
  }
  return state;
}
