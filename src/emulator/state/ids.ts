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

// Salesforce key prefixes (the first three characters of every record id), by pipeline.
const SALESFORCE_PREFIX: Record<string, string> = {
  companies: "001",
  contacts: "003",
  deals: "006",
  users: "005",
};
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/**
 * A provider id for a CRM or ticketing record, in the provider's own form where the emulator knows
 * it (Salesforce `006…` 18-character ids, ServiceNow 32-hex sys_ids, HubSpot numbers), derived
 * from `seed` so the same seed always gives the same id.
 */
export function deriveRecordExternalId(integration: string, pipeline: string, seed: string): string {
  const digest = createHash("sha256").update(`${integration}\0${pipeline}\0${seed}`).digest();
  switch (integration) {
    case "salesforce":
      return `${SALESFORCE_PREFIX[pipeline] ?? "a0X"}${[...digest.subarray(0, 12)].map((b) => BASE62[b % 62]).join("")}AAA`;
    case "servicenow":
      return digest.subarray(0, 16).toString("hex");
    case "hubspot":
    case "pipedrive":
      return String(digest.readUInt32BE(0) * 100 + (digest[4]! % 100));
    default:
      return digest.subarray(0, 12).toString("hex");
  }
}

/**
 * The CRM user id a person has in an integration (what `ownerId` holds): Paragon serves the
 * provider's user id, never an email, so the emulator derives one per (integration, email).
 *
 * @example crmUserIdFor("salesforce", "maya@northwind.test") // "005…AAA"
 */
export function crmUserIdFor(integration: string, email: string): string {
  return deriveRecordExternalId(integration, "users", email.trim().toLowerCase());
}
