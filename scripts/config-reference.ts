// Renders docs/configuration.md from the zod schema itself (src/config/schema.ts): every setting's
// path, type and default come from the schema, its environment variable from src/config/env.ts,
// its meaning from src/config/descriptions.ts. `npx tsx scripts/make-config-docs.ts` writes the
// page; test/config/reference.test.ts fails when the committed page is not what this renders.
import { z } from "zod";
import { settingDescriptions } from "../src/config/descriptions.js";
import { envSettings } from "../src/config/env.js";
import { configSchema } from "../src/config/schema.js";

interface JsonSchema {
  type?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  minItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  not?: unknown;
}

/** One setting: its path, type, default, variable and meaning. */
export interface Setting {
  path: string;
  type: string;
  defaultValue: string;
  env: string | undefined;
  description: string | undefined;
  /** The `store.kind` it belongs to (store settings differ per kind). */
  when?: string;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Every leaf setting of the schema, in schema order. */
export function settingsOf(): Setting[] {
  const json = z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  // Defaults as the schema really applies them (yes/no settings' defaults are not in the JSON
  // Schema): a minimal valid config, parsed, for each store kind.
  const parsed = [
    configSchema.parse({ tenant: "t", managedSync: { token: "t" } }),
    configSchema.parse({
      tenant: "t",
      managedSync: { token: "t" },
      store: { kind: "qdrant", url: "http://q" },
    }),
  ];
  const out: Setting[] = [];
  const visit = (node: JsonSchema, path: string, when?: string) => {
    const variants = node.oneOf ?? (node.anyOf?.every((n) => n.type === "object") ? node.anyOf : undefined);
    if (variants) {
      for (const variant of variants) {
        const kind = variant.properties?.kind?.const;
        visit(variant, path, typeof kind === "string" ? kind : when);
      }
      return;
    }
    if (node.type === "object" && node.properties && path !== "records.owners") {
      for (const [key, child] of Object.entries(node.properties))
        visit(child, path ? `${path}.${key}` : key, when);
      return;
    }
    if (out.some((s) => s.path === path && s.when === when)) return;
    out.push({
      path,
      type: node.not !== undefined ? "removed" : typeOf(node),
      defaultValue: defaultOf(node, path, when === "qdrant" ? parsed[1] : parsed[0]),
      env: envSettings.find(([, configPath]) => configPath === path)?.[0],
      description: settingDescriptions[path],
      ...(when ? { when } : {}),
    });
  };
  visit(json, "");
  // One row for the store's kind, whichever variant named it.
  const kinds = out.filter((s) => s.path === "store.kind");
  const kind: Setting = {
    ...kinds[0]!,
    type: kinds.map((k) => k.type).join(" \\| "),
    defaultValue: '`"lancedb"`',
  };
  delete kind.when;
  return out.flatMap((s) => (s.path !== "store.kind" ? [s] : s === kinds[0] ? [kind] : []));
}

// Settings the minimal config above gives itself: their parsed values are not defaults.
const GIVEN = new Set(["tenant", "managedSync.token", "store.url"]);

function typeOf(node: JsonSchema): string {
  if (node.const !== undefined) return `\`${JSON.stringify(node.const)}\``;
  if (node.enum) return node.enum.map((v) => `\`${JSON.stringify(v)}\``).join(" \\| ");
  if (node.anyOf) return node.anyOf.map(typeOf).join(" or ");
  switch (node.type) {
    case "string":
      return node.format === "uri" ? "URL" : node.format === "email" ? "email" : "string";
    case "boolean":
      return "boolean";
    case "integer":
    case "number": {
      const low =
        node.exclusiveMinimum !== undefined
          ? `> ${node.exclusiveMinimum}`
          : node.minimum !== undefined
            ? `≥ ${node.minimum}`
            : "";
      const high = node.maximum !== undefined && node.maximum < MAX_SAFE ? `≤ ${node.maximum}` : "";
      return ["integer", [low, high].filter(Boolean).join(", ")].filter(Boolean).join(" ");
    }
    case "array":
      return `list of ${node.items ? typeOf(node.items) : "values"}${node.minItems ? ` (at least ${node.minItems})` : ""}`;
    case "object": {
      if (node.properties) {
        const keys = Object.keys(node.properties).map((k) => (node.required?.includes(k) ? k : `${k}?`));
        return `{ ${keys.join(", ")} }`;
      }
      const value =
        typeof node.additionalProperties === "object" ? typeOf(node.additionalProperties) : "value";
      return `map of string to ${value}`;
    }
    default:
      return "any";
  }
}

function defaultOf(node: JsonSchema, path: string, parsed: unknown): string {
  let value: unknown = parsed;
  for (const key of path.split(".")) value = (value as Record<string, unknown> | undefined)?.[key];
  if (node.not !== undefined || GIVEN.has(path)) return "—";
  if (value === undefined) value = node.default;
  if (value === undefined) return "—";
  if (Array.isArray(value) && value.length === 0) return "none";
  if (typeof value === "object" && value !== null && Object.keys(value).length === 0) return "none";
  return `\`${JSON.stringify(value)}\``;
}

/** The whole page. */
export function renderConfigReference(): string {
  const settings = settingsOf();
  const sections = new Map<string, Setting[]>();
  for (const setting of settings) {
    const section = setting.path.includes(".") ? setting.path.split(".")[0]! : "tenant";
    sections.set(section, [...(sections.get(section) ?? []), setting]);
  }
  const lines = [
    "# Configuration reference",
    "",
    "<!-- Generated from the zod schema by `npx tsx scripts/make-config-docs.ts`: do not edit by hand.",
    "     test/config/reference.test.ts fails when this page and the schema disagree. -->",
    "",
    "Clearance reads its settings from, in rising precedence: a YAML or JSON file (`--config <file>`",
    "or `CLEARANCE_CONFIG`), the environment, and flags or code (`loadConfig({ overrides })`). A file",
    "uses the paths below as nested keys; every problem is reported at once, each with the variable",
    "and the file key that set it, and the command exits with code 2. A key that is not below (a typo",
    "such as `retrieval.K`) is one of those problems, with the setting it resembles.",
    "",
    "```yaml",
    "# clearance.yaml",
    "tenants: [acme, globex]",
    "managedSync:",
    "  projectId: 0c6a3c8e-…",
    "store:",
    "  dir: /var/lib/clearance/store",
    "retrieval:",
    "  k: 8",
    "```",
    "",
    "Environment variables hold one value; lists are comma-separated (`CLEARANCE_TENANTS=acme,globex`),",
    "yes/no settings take `true`/`false` (or `1`/`0`, `yes`/`no`). Besides those in the tables:",
    "",
    "- `CLEARANCE_CONFIG`: the config file to read.",
    "- `PARAGON_SIGNING_KEY_FILE`: read `managedSync.signingKey` from this file (when `PARAGON_SIGNING_KEY` is unset).",
    "- `QDRANT_URL` alone selects `store.kind: qdrant`.",
    "- `CLEARANCE_DEBUG=1`: the CLI prints stack traces of unexpected errors.",
    "",
    "A required setting has no default (—); Clearance refuses to start without it and says which.",
    "",
  ];
  for (const [section, rows] of sections) {
    lines.push(`## \`${section}\``, "");
    lines.push("| setting | type | default | environment | meaning |", "| --- | --- | --- | --- | --- |");
    for (const s of rows) {
      const path = s.when ? `\`${s.path}\` (${s.when})` : `\`${s.path}\``;
      const env = s.env ? `\`${s.env}\`` : "—";
      lines.push(`| ${path} | ${s.type} | ${s.defaultValue} | ${env} | ${cell(s.description ?? "")} |`);
    }
    lines.push("");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}
