import { z } from "zod";
import { EmulatorStateError } from "./errors.js";

// The normalized fields of each CRM and ticketing pipeline, as far as Paragon documents them (see
// the emulator README, "CRM and ticketing records", for which fields are documented and which are
// the emulator's guess). Strict: a field Paragon does not normalize belongs under `customFields`.

const text = z.string();
const dateTime = z.iso.datetime({ offset: true, error: () => "must be an ISO 8601 date-time" });
const customFields = z.record(z.string(), z.unknown());
const email = z.email({ error: (issue) => `must be an email address (got ${JSON.stringify(issue.input)})` });

// Guessed shapes: Paragon documents these as lists/objects without their item fields.
const emailEntry = z.object({ email, type: text.optional() }).strict();
const phoneEntry = z.object({ number: text, type: text.optional() }).strict();
const addressEntry = z
  .object({
    street: text.optional(),
    city: text.optional(),
    state: text.optional(),
    postalCode: text.optional(),
    country: text.optional(),
    type: text.optional(),
  })
  .strict();
const socialEntry = z.object({ url: z.url(), type: text.optional() }).strict();

/** A person a ticket names (assignee, creator, comment author). Guessed shape. */
export const ticketPersonSchema = z
  .object({ id: text.optional(), name: text.optional(), email: email.optional() })
  .strict()
  .refine((p) => p.id || p.name || p.email, { message: "give at least one of id, name, email" });

/** Contact (`contacts`): every field documented. */
const contactFields = z
  .object({
    firstName: text,
    lastName: text,
    fullName: text,
    companyName: text,
    jobTitle: text,
    emails: z.array(emailEntry),
    phoneNumbers: z.array(phoneEntry),
    addresses: z.array(addressEntry),
    socialProfiles: z.array(socialEntry),
    type: z.enum(["lead", "customer", "prospect", "partner", "other"]),
    status: z.enum(["active", "inactive", "new", "qualified", "unqualified"]),
    ownerId: text,
    lastActivityAt: dateTime,
    lifecycleStage: text,
    leadSource: text,
    tags: z.array(text),
    notes: text,
    website: text,
    customFields,
  })
  .partial()
  .strict();

/** Company (`companies`): Paragon publishes the pipeline, not its fields; all guessed but `name`. */
const companyFields = z
  .object({
    name: text,
    domain: text.optional(),
    website: text.optional(),
    industry: text.optional(),
    description: text.optional(),
    numberOfEmployees: z.number().int().nonnegative().optional(),
    annualRevenue: z.number().nonnegative().optional(),
    phoneNumbers: z.array(phoneEntry).optional(),
    addresses: z.array(addressEntry).optional(),
    ownerId: text.optional(),
    customFields: customFields.optional(),
  })
  .strict();

/** Deal (`deals`): every field documented, required ones as documented. */
const dealFields = z
  .object({
    amount: z.number(),
    statusType: z.enum(["open", "closed_lost", "closed_won"]),
    status: text,
    /** External id of the deal's account (a `companies` record's externalId). */
    accountId: text,
    /** External id of the CRM user who owns the deal. */
    ownerId: text,
    closeDate: z.iso.date({ error: () => "must be a date (YYYY-MM-DD)" }),
    name: text.optional(),
    description: text.optional(),
    nextStep: text.optional(),
    probability: z.number().int().min(0).max(100).optional(),
    customFields: customFields.optional(),
  })
  .strict();

/** Ticket (`tickets`): documented fields; the shapes of status, people and project are guessed. */
const ticketFields = z
  .object({
    title: text,
    status: z.object({ name: text, type: text.optional() }).strict(),
    priority: z.enum(["low", "normal", "high", "urgent"]),
    type: text,
    assignees: z.array(ticketPersonSchema),
    /** The provider's raw ticket; when not given, the record JSON shows a stand-in (see `records.ts`). */
    originalRecord: z.record(z.string(), z.unknown()).optional(),
    description: text.optional(),
    createdBy: ticketPersonSchema.optional(),
    tags: z.array(text).optional(),
    dueAt: dateTime.optional(),
    resolvedAt: dateTime.optional(),
    externalUrl: z.url().optional(),
    project: z.object({ id: text.optional(), name: text }).strict().optional(),
  })
  .strict();

/** Custom object (`custom_objects`): not mapped; everything lives in `customFields`. Documented. */
const customObjectFields = z.object({ objectType: text, customFields: customFields.default({}) }).strict();

const FIELDS: Record<string, z.ZodType<Record<string, unknown>>> = {
  contacts: contactFields,
  companies: companyFields,
  deals: dealFields,
  tickets: ticketFields,
  custom_objects: customObjectFields,
};

/** Pipelines whose fields the emulator checks; records of other non-file pipelines are taken as given. */
export const KNOWN_RECORD_PIPELINES = Object.keys(FIELDS);

/** What a record is created from (admin API body, corpus data entry): its fields plus a few pinnable extras. */
export const recordInputSchema = z
  .looseObject({
    externalId: z.string().min(1).optional(),
    createdAt: dateTime.optional(),
    updatedAt: dateTime.optional(),
    comments: z
      .array(z.object({ author: ticketPersonSchema, body: z.string(), createdAt: dateTime }).strict())
      .optional(),
    attachments: z
      .array(
        z
          .object({
            name: z
              .string()
              .min(1)
              .refine((name) => !name.includes("/") && name !== "." && name !== "..", {
                message: "an attachment name is a file name, without folders",
              }),
            content: z.string(),
            encoding: z.enum(["utf8", "base64"]).optional(),
          })
          .strict(),
      )
      .optional(),
  })
  .refine((input) => !("id" in input), {
    message: "id is the Paragon record id the emulator derives: give externalId instead",
  });
export type RecordInput = z.input<typeof recordInputSchema>;

/**
 * Checks a record's normalized fields against its pipeline's schema; the error names the field.
 *
 * @example parseRecordFields("deals", { name: "ACME renewal", amount: 120000, … })
 */
export function parseRecordFields(
  pipeline: string,
  fields: Record<string, unknown>,
): Record<string, unknown> {
  const schema = FIELDS[pipeline];
  if (!schema) return structuredClone(fields);
  const parsed = schema.safeParse(fields);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.length ? issue.path.join(".") : "record";
  const hint =
    issue?.code === "unrecognized_keys"
      ? ` (${pipeline} records have no such field: put provider-specific fields under customFields)`
      : "";
  throw new EmulatorStateError(
    "RECORD_INVALID",
    `${pipeline} ${field}: ${issue?.message ?? "invalid"}${hint}`,
  );
}
