import { z } from "zod";
import { closestName } from "./closest-name.js";
import { configSchema } from "./schema.js";

interface JsonNode {
  properties?: Record<string, JsonNode>;
  oneOf?: JsonNode[];
  anyOf?: JsonNode[];
  const?: unknown;
}

/**
 * What to say about a key the schema does not know (a file's `tenat:` or `retrieval.K`): the
 * setting it most resembles, or the store kind it belongs to. Without this a misspelt key was
 * dropped and its setting silently kept the default.
 */
export function unknownSettingProblem(
  parentPath: readonly PropertyKey[],
  key: string,
  origin?: string,
): string {
  const path = [...parentPath.map(String), key].join(".");
  // `origin`: where it was set, e.g. `in clearance.yaml` or `env CLEARANCE_STORE_DIR`.
  const where = origin ? ` (${origin})` : "";
  const prefix = parentPath.length > 0 ? `${parentPath.map(String).join(".")}.` : "";
  const variants = variantsAt(parentPath.map(String));
  const owner = variants.find((v) => v.kind !== undefined && key in v.keys);
  const here = variants.filter((v) => !(key in v.keys));
  if (owner && here.length > 0) {
    const unset = origin?.startsWith("env ") ? `unset ${origin.slice(4)}` : "remove it";
    return `${path}${where}: a setting of ${prefix}kind ${owner.kind}, not of the kind in use: set ${prefix}kind: ${owner.kind}, or ${unset}`;
  }
  const guess = closestName(key, [...new Set(variants.flatMap((v) => Object.keys(v.keys)))]);
  const hint = guess ? ` did you mean ${prefix}${guess}?` : "";
  return `${path}${where}: not a setting:${hint} every setting is listed in docs/configuration.md`;
}

let schemaJson: JsonNode | undefined;

/** The objects a key under this path may belong to (several for `store`: one per kind). */
function variantsAt(path: readonly string[]): { kind?: string; keys: Record<string, JsonNode> }[] {
  schemaJson ??= z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }) as JsonNode;
  let nodes: JsonNode[] = [schemaJson];
  for (const key of path)
    nodes = expand(nodes).flatMap((n) => (n.properties?.[key] ? [n.properties[key]] : []));
  return expand(nodes)
    .filter((n) => n.properties)
    .map((n) => {
      const kind = n.properties?.kind?.const;
      return { ...(typeof kind === "string" ? { kind } : {}), keys: n.properties ?? {} };
    });
}

function expand(nodes: JsonNode[]): JsonNode[] {
  return nodes.flatMap((n) => ((n.oneOf ?? n.anyOf) ? expand(n.oneOf ?? n.anyOf ?? []) : [n]));
}
