import { z } from "zod";

/** Roles the Permissions API knows (not owner/viewer/editor). */
export const ROLES = ["can_read", "can_write", "is_owner"] as const;
export type Role = (typeof ROLES)[number];

/** `POST …/check`: `{ hasAccess }`. */
export const CheckResponseSchema = z.looseObject({ hasAccess: z.boolean() });

const echoedRequest = z.looseObject({
  object: z.string().nullish(),
  user: z.string().nullish(),
  role: z.string().nullish(),
  // Older docs echo `relation` where current ones say `role`.
  relation: z.string().nullish(),
});

const batchResult = z
  .looseObject({
    allowed: z.boolean().nullish(),
    request: echoedRequest.nullish(),
    error: z.string().nullish(),
  })
  .refine((r) => typeof r.allowed === "boolean" || (typeof r.error === "string" && r.error !== ""), {
    message: "each result needs a boolean `allowed` or a non-empty `error`",
    path: ["allowed"],
  });
export type BatchCheckResultItem = z.infer<typeof batchResult>;

/** `POST …/batch-check`: `{ result: [{ allowed, request, error }] }`. */
export const BatchCheckResponseSchema = z.looseObject({ result: z.array(batchResult) });

/** `POST …/list-users`: `{ users: [email] }`. */
export const ListUsersResponseSchema = z.looseObject({ users: z.array(z.string()) });

/** `POST …/list-objects`: `{ objects: [record id] }`. */
export const ListObjectsResponseSchema = z.looseObject({ objects: z.array(z.string()) });

/** One NDJSON line of streamed-list-objects: Paragon's `{"object"}` or OpenFGA's `{"result":{"object"}}`. */
export const StreamedObjectLineSchema = z.union([
  z.looseObject({ object: z.string().min(1) }).transform((line) => line.object),
  z
    .looseObject({ result: z.looseObject({ object: z.string().min(1) }) })
    .transform((line) => line.result.object),
]);

/** A node of an OpenFGA userset tree, as returned by expand. */
export interface UsersetTreeNode {
  name: string;
  leaf?: {
    users?: { users: string[] };
    computed?: { userset: string };
    tupleToUserset?: { tupleset: string; computed: { userset: string }[] };
    [key: string]: unknown;
  };
  union?: { nodes: UsersetTreeNode[] };
  intersection?: { nodes: UsersetTreeNode[] };
  difference?: { base: UsersetTreeNode; subtract: UsersetTreeNode };
  [key: string]: unknown;
}

const nodeSchema: z.ZodType<UsersetTreeNode> = z.lazy(() =>
  z.looseObject({
    name: z.string(),
    leaf: z
      .looseObject({
        users: z.looseObject({ users: z.array(z.string()) }).optional(),
        computed: z.looseObject({ userset: z.string() }).optional(),
        tupleToUserset: z
          .looseObject({
            tupleset: z.string(),
            computed: z.array(z.looseObject({ userset: z.string() })),
          })
          .optional(),
      })
      .optional(),
    union: z.looseObject({ nodes: z.array(nodeSchema) }).optional(),
    intersection: z.looseObject({ nodes: z.array(nodeSchema) }).optional(),
    difference: z.looseObject({ base: nodeSchema, subtract: nodeSchema }).optional(),
  }),
);

/** `POST /api/permissions/{syncId}/expand`: `{ tree: { root } }`. */
export const ExpandResponseSchema = z.looseObject({ tree: z.looseObject({ root: nodeSchema }) });
export type ExpandResponse = z.infer<typeof ExpandResponseSchema>;

const tupleKey = z.looseObject({
  user: z.string().min(1),
  relation: z.string().min(1),
  object: z.string().min(1),
});

/**
 * One change of the Permission Changes feed. Paragon documents no fields; this follows OpenFGA's
 * ReadChanges (`tuple_key`, `operation: TUPLE_OPERATION_WRITE | TUPLE_OPERATION_DELETE`,
 * `timestamp`), accepted camel- or snake-cased, the operation in any case and with or without its
 * `TUPLE_OPERATION_` prefix.
 */
const permissionChange = z
  .looseObject({
    tupleKey: tupleKey.optional(),
    tuple_key: tupleKey.optional(),
    operation: z.string(),
    timestamp: z.union([z.string(), z.number()]).nullish(),
  })
  .transform((raw, ctx) => {
    const key = raw.tupleKey ?? raw.tuple_key;
    const op = raw.operation.toUpperCase().replace(/^TUPLE_OPERATION_/, "");
    if (!key) {
      ctx.addIssue({ code: "custom", message: "each change needs a tupleKey {user, relation, object}" });
      return z.NEVER;
    }
    if (op !== "WRITE" && op !== "DELETE") {
      ctx.addIssue({
        code: "custom",
        message: `operation ${JSON.stringify(raw.operation)} is neither write nor delete`,
        path: ["operation"],
      });
      return z.NEVER;
    }
    const timestamp =
      raw.timestamp === undefined || raw.timestamp === null
        ? undefined
        : new Date(raw.timestamp).toISOString();
    return {
      user: key.user,
      relation: key.relation,
      object: key.object,
      operation: op === "WRITE" ? ("write" as const) : ("delete" as const),
      ...(timestamp ? { timestamp } : {}),
    };
  });
export type PermissionChange = z.output<typeof permissionChange>;

/** `GET …/changes`: `{ changes: [...], continuationToken }` (also `continuation_token`). */
export const PermissionChangesResponseSchema = z
  .looseObject({
    changes: z.array(permissionChange),
    continuationToken: z.string().min(1).optional(),
    continuation_token: z.string().min(1).optional(),
  })
  .transform((raw, ctx) => {
    const continuationToken = raw.continuationToken ?? raw.continuation_token;
    if (!continuationToken) {
      ctx.addIssue({
        code: "custom",
        message: "every page needs a continuationToken",
        path: ["continuationToken"],
      });
      return z.NEVER;
    }
    return { changes: raw.changes, continuationToken };
  });
