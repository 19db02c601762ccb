import { createHash } from "node:crypto";
import { v5 as uuidv5 } from "uuid";

// Fixed namespaces so ids survive restarts and re-creation, as Paragon's version-5 ids appear to.
const SYNC_NAMESPACE = "0f5c8a52-3f5e-4d7b-9a57-6c1e2b8d4a10";
const RECORD_NAMESPACE = "7d1e4c9b-2a6f-4b83-8e05-3c9f1a7b6d22";

/** The sync id for a Connected User's integration + pipeline + configurationName (same id after delete + re-enable). */
export function syncIdFor(
  tenant: string,
  integration: string,
  pipeline: string,
  configurationName: string,
): string {
  return uuidv5(JSON.stringify([tenant, integration, pipeline, configurationName]), SYNC_NAMESPACE);
}

/** The Paragon record id of a provider object: UUIDv5 of integration + externalId. */
export function recordIdFor(integration: string, externalId: string): string {
  return uuidv5(`${integration}:${externalId}`, RECORD_NAMESPACE);
}

/**
 * A Drive-like provider id (33 url-safe characters) for a node first seen at `path` in a sync.
 * It is derived once and then kept, so moves and renames do not change it.
 */
export function deriveExternalId(syncId: string, path: string): string {
  return createHash("sha256").update(`${syncId}\0${path}`).digest("base64url").slice(0, 33);
}
