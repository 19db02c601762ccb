import { z } from "zod";

// The data files of one company under scripts/corpus/data/<company>/ (see scripts/corpus/README.md). People are
// named by a short key everywhere in these files; the generator turns keys into emails for the manifest.

const key = z.string().regex(/^[a-z][a-z0-9-]*$/, { error: () => "must be a person key like maya" });
const role = z.enum(["owner", "writer", "reader"]).default("reader");
const person = z.object({ email: z.email(), name: z.string().min(1), title: z.string().min(1) }).strict();

/** A grant as the data files write it: one principal (a person key, group id, domain or anyone), role default reader. */
export const grantSchema = z.union([
  z.object({ user: key, role }).strict(),
  z.object({ group: z.string().min(1), role }).strict(),
  z.object({ domain: z.string().min(1), role }).strict(),
  z.object({ anyone: z.enum(["link", "public"]), role }).strict(),
]);
export type Grant = z.infer<typeof grantSchema>;
export type Role = Grant["role"];

const sharing = z.object({ owner: key, grants: z.array(grantSchema).optional() }).strict();

/** `company.yaml`: the Connected User, its people, groups, syncs and the sharing of every folder. */
export const companySchema = z
  .object({
    id: z.string().min(1),
    name: z.string().min(1),
    shortName: z.string().min(1),
    spaceKey: z.string().regex(/^[A-Z]+$/),
    domain: z.string().min(1),
    people: z.record(key, person),
    admin: person,
    groups: z.array(
      z
        .object({ id: z.string().min(1), name: z.string().min(1), members: z.array(z.string().min(1)) })
        .strict(),
    ),
    /** a files sync names its folder (`root`); a CRM or ticketing sync its pipeline and records file */
    syncs: z.array(
      z.union([
        z.object({ integration: z.string().regex(/^[a-z0-9]+$/), root: z.string().min(1) }).strict(),
        z
          .object({
            integration: z.string().regex(/^[a-z0-9]+$/),
            pipeline: z.string().regex(/^[a-z]+$/),
            records: z.string().regex(/\.(ya?ml|json)$/),
            /** how the demo's Clearance treats its records (written to clearance.yaml); default deny */
            policy: z.enum(["deny", "tenant", "owner"]).optional(),
          })
          .strict(),
      ]),
    ),
    folders: z.record(z.string().endsWith("/"), sharing),
  })
  .strict();
export type CompanyFile = z.infer<typeof companySchema>;

/** The front matter of a document template: its owner, when it was last changed, its own grants. */
export const frontMatterSchema = sharing
  .extend({
    updated: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?$/, { error: () => "must be YYYY-MM-DD or ISO" }),
    /** pins the provider id (and so the record id) instead of deriving it from the sync and path */
    externalId: z.string().min(1).optional(),
    /** a drawing in render/png.ts, for images */
    image: z.enum(["logo", "diagram"]).optional(),
  })
  .strict();

/** A list of person keys, or "everyone else": every person of the company not in the paired list. */
const people = z.union([z.array(key), z.literal("everyone else")]);

/** `questions.yaml`: the demo questions (one answering file each) and the access cases, checked before writing. */
export const questionsSchema = z
  .object({
    demoPeople: z.array(key).min(1),
    questions: z.array(
      z
        .object({
          id: z.string().regex(/^[a-z0-9-]+$/),
          question: z.string().min(1),
          answer: z.string().min(1),
          /** the answering file, or a record: `<records path>#<externalId>` */
          file: z.string().min(1),
          /** a string of the answer that appears in `file` and in no other file of the company (checked) */
          marker: z.string().min(1),
          /** what a right answer states (any one of them), when the marker is not it (each checked to be in `file`) */
          facts: z.array(z.string().min(1)).min(1).optional(),
          /** who asks it in the evaluations: a reader of `file`, or someone who must be told nothing answers */
          askedBy: key,
          /** must be able to read `file` (checked) */
          see: people,
          /** must not be able to read `file` (checked) */
          notSee: people,
          nearMisses: z.array(z.object({ file: z.string().min(1), why: z.string().min(1) }).strict()),
        })
        .strict(),
    ),
    accessCases: z.array(
      z
        .object({
          id: z.string().min(1),
          what: z.string().min(1),
          file: z.string().min(1),
          relation: z.enum(["can_read", "can_write", "is_owner"]),
          allowed: people,
          denied: people,
        })
        .strict(),
    ),
  })
  .strict();
export type QuestionsFile = z.infer<typeof questionsSchema>;
