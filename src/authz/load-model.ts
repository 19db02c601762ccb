import { readFileSync } from "node:fs";
import { transformer, validator } from "@openfga/syntax-transformer";
import { z } from "zod";
import { InvalidModelError } from "./errors.js";
import type { AuthorizationModelJson, DirectRestrictions, RelationDef, Rewrite } from "./model.js";
import { AuthorizationModel } from "./model.js";

const relationRef = z.object({ object: z.string().optional(), relation: z.string().min(1) });

type UsersetJson =
  | { this: object }
  | { computedUserset: z.infer<typeof relationRef> }
  | {
      tupleToUserset: { tupleset: z.infer<typeof relationRef>; computedUserset: z.infer<typeof relationRef> };
    }
  | { union: { child: UsersetJson[] } }
  | { intersection: { child: UsersetJson[] } }
  | { difference: { base: UsersetJson; subtract: UsersetJson } };

const usersetSchema: z.ZodType<UsersetJson> = z.lazy(() =>
  z.union([
    z.object({ this: z.object({}) }),
    z.object({ computedUserset: relationRef }),
    z.object({ tupleToUserset: z.object({ tupleset: relationRef, computedUserset: relationRef }) }),
    z.object({ union: z.object({ child: z.array(usersetSchema).min(1) }) }),
    z.object({ intersection: z.object({ child: z.array(usersetSchema).min(1) }) }),
    z.object({ difference: z.object({ base: usersetSchema, subtract: usersetSchema }) }),
  ]),
);

const relationReference = z.object({
  type: z.string().min(1),
  relation: z.string().optional(),
  wildcard: z.object({}).optional(),
  condition: z.string().optional(),
});

const typeDefinitionSchema = z.object({
  type: z.string().min(1),
  relations: z.record(z.string(), usersetSchema).nullish(),
  metadata: z
    .object({
      relations: z
        .record(z.string(), z.object({ directly_related_user_types: z.array(relationReference).nullish() }))
        .nullish(),
    })
    .nullish(),
});

const modelSchema = z.object({
  schema_version: z.string(),
  type_definitions: z.array(typeDefinitionSchema),
  conditions: z.record(z.string(), z.unknown()).nullish(),
});

type ModelJson = z.infer<typeof modelSchema>;

/**
 * Parses a model written in the OpenFGA DSL (schema 1.1) with OpenFGA's own language package.
 * Conditions (CEL) are not supported and are rejected here.
 *
 * @example parseModel("model\n  schema 1.1\ntype user\n")
 */
export function parseModel(dsl: string): AuthorizationModel {
  let json: unknown;
  try {
    validator.validateDSL(dsl);
    json = transformer.transformDSLToJSONObject(dsl);
  } catch (cause) {
    throw new InvalidModelError(`the authorization model does not parse: ${describe(cause)}`, { cause });
  }
  return compile(json, false);
}

/** Compiles a model given in OpenFGA's JSON form (e.g. from a corpus), validated the way OpenFGA does. */
export function modelFromJson(json: unknown): AuthorizationModel {
  return compile(json, true);
}

/** Reads a `.fga` file (DSL) or `.json` file and compiles it. */
export function loadModelFile(path: string | URL): AuthorizationModel {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new InvalidModelError(`cannot read the authorization model at ${String(path)}: check the path`, {
      cause,
    });
  }
  if (String(path).endsWith(".json")) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw new InvalidModelError(`${String(path)} is not valid JSON: ${describe(cause)}`, { cause });
    }
    return modelFromJson(json);
  }
  return parseModel(text);
}

function compile(input: unknown, runValidator: boolean): AuthorizationModel {
  const parsed = modelSchema.safeParse(input);
  if (!parsed.success) {
    throw new InvalidModelError(
      `the authorization model is not in OpenFGA's JSON shape: ${z.prettifyError(parsed.error)}`,
      { cause: parsed.error },
    );
  }
  const json = parsed.data;
  if (json.schema_version !== "1.1") {
    throw new InvalidModelError(
      `schema ${json.schema_version} is not supported: write the model in OpenFGA schema 1.1`,
    );
  }
  rejectConditions(json);
  if (runValidator) {
    try {
      // The package's types come from @openfga/sdk, which is not installed; the shape was checked above.
      validator.validateJSON(json as Parameters<typeof validator.validateJSON>[0]);
    } catch (cause) {
      throw new InvalidModelError(`the authorization model is invalid: ${describe(cause)}`, { cause });
    }
  }
  const types = new Map<string, Map<string, RelationDef>>();
  for (const def of json.type_definitions) {
    if (types.has(def.type)) throw new InvalidModelError(`type '${def.type}' is defined twice: keep one`);
    const relations = new Map<string, RelationDef>();
    for (const [name, userset] of Object.entries(def.relations ?? {})) {
      const restrictions = def.metadata?.relations?.[name]?.directly_related_user_types ?? [];
      relations.set(name, {
        type: def.type,
        name,
        rewrite: compileRewrite(userset),
        direct: compileRestrictions(restrictions),
      });
    }
    types.set(def.type, relations);
  }
  return new AuthorizationModel(types, json as AuthorizationModelJson);
}

function rejectConditions(json: ModelJson): void {
  if (json.conditions && Object.keys(json.conditions).length > 0) {
    throw new InvalidModelError(
      "the authorization model declares conditions (CEL): conditions are not supported, remove them",
    );
  }
  for (const def of json.type_definitions) {
    for (const [name, meta] of Object.entries(def.metadata?.relations ?? {})) {
      if (meta.directly_related_user_types?.some((ref) => ref.condition)) {
        throw new InvalidModelError(
          `relation '${def.type}#${name}' uses a condition ('with …'): conditions are not supported, remove it`,
        );
      }
    }
  }
}

function compileRewrite(userset: UsersetJson): Rewrite {
  if ("this" in userset) return { kind: "this" };
  if ("computedUserset" in userset) return { kind: "computed", relation: userset.computedUserset.relation };
  if ("tupleToUserset" in userset) {
    return {
      kind: "ttu",
      tupleset: userset.tupleToUserset.tupleset.relation,
      computed: userset.tupleToUserset.computedUserset.relation,
    };
  }
  if ("union" in userset) return { kind: "union", children: userset.union.child.map(compileRewrite) };
  if ("intersection" in userset) {
    return { kind: "intersection", children: userset.intersection.child.map(compileRewrite) };
  }
  return {
    kind: "difference",
    base: compileRewrite(userset.difference.base),
    subtract: compileRewrite(userset.difference.subtract),
  };
}

function compileRestrictions(refs: readonly z.infer<typeof relationReference>[]): DirectRestrictions {
  const objects = new Set<string>();
  const wildcards = new Set<string>();
  const usersets = new Set<string>();
  for (const ref of refs) {
    if (ref.wildcard) wildcards.add(ref.type);
    else if (ref.relation) usersets.add(`${ref.type}#${ref.relation}`);
    else objects.add(ref.type);
  }
  return { objects, wildcards, usersets };
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message.trim() : String(cause);
}
