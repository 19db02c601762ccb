/** Drive's sharing roles; the permission graph reads them as `is_owner ⊃ can_write ⊃ can_read`. */
export type Role = "owner" | "writer" | "reader";

/** Who a grant is for: one person, a group, everyone in a domain, or anyone (with the link / public). */
export type Principal =
  | { type: "user"; email: string }
  | { type: "group"; id: string }
  | { type: "domain"; domain: string }
  | { type: "anyone"; scope: "link" | "public" };

export interface Grant {
  principal: Principal;
  role: Role;
}

/** A group member is a person (by email) or another group (nested). */
export type GroupMember = { type: "user"; email: string } | { type: "group"; id: string };

export interface Person {
  email: string;
  name?: string;
  title?: string;
}

export interface Group {
  id: string;
  name?: string;
  members: GroupMember[];
}

export type NodeType = "file" | "folder";

/** Content digests of a file; folders have none. */
export interface ContentHash {
  md5: string;
  sha256: string;
}

/** A file or folder of one sync, as the emulator keeps it (the record JSON is derived from it). */
export interface SyncNode {
  /** Paragon record id: UUIDv5 of integration + externalId. */
  id: string;
  /** The provider's id; stable across moves and renames. */
  externalId: string;
  type: NodeType;
  name: string;
  /** Path below the sync root, "/"-separated; "" for the root. */
  path: string;
  /** Record id of the parent folder; null only for the root. */
  parentId: string | null;
  mimeType: string;
  size: number;
  hash: ContentHash | null;
  url: string;
  createdAt: string;
  updatedAt: string;
  /** Bumped on create, content update, move and rename; 0 for the root (which is not a record). */
  seq: number;
  owner: string;
  grants: Grant[];
}

/** A person a ticket names (assignee, creator, comment author): the emulator's guess at Paragon's shape. */
export interface TicketPerson {
  id?: string;
  name?: string;
  email?: string;
}

/** One comment on a ticket; served with the ticket's content (Download Content), not in its record. */
export interface TicketComment {
  author: TicketPerson;
  body: string;
  createdAt: string;
}

/**
 * A file attached to a ticket, served in its Download Content archive under `attachments/`.
 * `content` is the file's text, or its bytes in base64 when `encoding` says so.
 */
export interface TicketAttachment {
  name: string;
  content: string;
  encoding?: "utf8" | "base64";
}

/**
 * A CRM or ticketing record of one sync (every pipeline but `files`); the record JSON is derived
 * from it: `{id, externalId, ...fields, createdAt, updatedAt}`.
 */
export interface SyncRecord {
  /** Paragon record id: UUIDv5 of integration + externalId. */
  id: string;
  /** The provider's id (a Salesforce `006…`, a ServiceNow sys_id). */
  externalId: string;
  /** Bumped on create and on every update. */
  seq: number;
  createdAt: string;
  updatedAt: string;
  /** The normalized fields as the pipeline's schema names them (`record-fields.ts`). */
  fields: Record<string, unknown>;
  /** Tickets only: comments, served by Download Content in the archive's Markdown file with the title and description. */
  comments?: TicketComment[];
  /** Tickets only: attached files, served by Download Content in the archive's `attachments/` folder. */
  attachments?: TicketAttachment[];
}

/** Sync statuses as the official Sync API spells them. */
export type SyncStatus = "INITIALIZING" | "ACTIVE" | "IDLE" | "DISABLED" | "ERRORED";

/** A change to the emulator's state; the permission engine and the webhook sender consume these. */
export type ChangeEvent =
  | {
      type: "record_created" | "record_updated" | "record_deleted";
      tenant: string;
      syncId: string;
      integration: string;
      recordId: string;
      /** The pipeline name, e.g. "files". */
      model: string;
    }
  | {
      type: "sharing_changed";
      tenant: string;
      syncId: string;
      /** The node whose owner or grants changed; what it grants reaches its whole subtree. */
      recordId: string;
    }
  | { type: "group_changed"; groupId: string }
  | { type: "person_added"; email: string }
  | {
      type: "sync_complete";
      tenant: string;
      syncId: string;
      integration: string;
      model: string;
      numRecords: number;
      syncedAt: string;
    }
  | { type: "sync_changed"; tenant: string; syncId: string; status: SyncStatus | "DELETED" };

/** A neutral, read-only view of who is shared what, for the permission engine. */
export interface SharingGraph {
  domain: string;
  people: Person[];
  groups: Group[];
  nodes: SharingNode[];
}

export interface SharingNode {
  syncId: string;
  tenant: string;
  id: string;
  type: NodeType;
  /** False for a sync's root folder, which holds sharing but is not a synced record. */
  record: boolean;
  parentId: string | null;
  owner: string;
  grants: Grant[];
}
