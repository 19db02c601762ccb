import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { z } from "zod";
import { ConfigError } from "./config-error.js";
import { envNameFor, envSettings } from "./env.js";
import { misspeltVariables } from "./misspelt-variables.js";
import { type ClearanceConfig, configSchema } from "./schema.js";
import { unknownSettingProblem } from "./unknown-settings.js";

type Plain = { [key: string]: unknown };

/** Settings given in the environment as comma-separated lists. */
const listSettings = new Set([
  "tenants",
  "ingest.syncs",
  "retrieval.tenantWideSyncs",
  "records.members.domains",
  "mcp.authorizationServers",
  "mcp.allowedOrigins",
]);

export interface LoadConfigOptions {
  /** A YAML or JSON file; defaults to `$CLEARANCE_CONFIG` when set. */
  file?: string;
  /** Defaults to `process.env`. */
  env?: Record<string, string | undefined>;
  /** Highest precedence: values from code or CLI flags. */
  overrides?: Plain;
}

/**
 * Reads the config from a file, then the environment, then `overrides`, and validates it.
 *
 * @example
 * const config = loadConfig({ overrides: { tenant: "northwind" } });
 */
export function loadConfig(options: LoadConfigOptions = {}): ClearanceConfig {
  const env = options.env ?? process.env;
  const file = options.file ?? env.CLEARANCE_CONFIG;
  const merged: Plain = {};
  const fromFile = file ? readConfigFile(file) : {};
  const environment = fromEnv(env);
  deepMerge(merged, fromFile);
  deepMerge(merged, environment);
  if (options.overrides) deepMerge(merged, options.overrides);
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const layers = { file, fromFile, environment, overrides: options.overrides ?? {} };
    // A misspelt variable is why a setting reads as missing: say so beside the setting.
    const problems = [...describeIssues(result.error.issues, layers), ...misspeltVariables(env)];
    throw new ConfigError(problems, { cause: result.error });
  }
  return result.data;
}

/** The layers merged into a config, to say where a key the schema refuses came from. */
interface Layers {
  file: string | undefined;
  fromFile: Plain;
  environment: Plain;
  overrides: Plain;
}

function readConfigFile(file: string): Plain {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (cause) {
    throw new ConfigError(
      [`cannot read the config file ${file}: check the path (or unset CLEARANCE_CONFIG)`],
      {
        cause,
      },
    );
  }
  try {
    const parsed: unknown = file.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
    if (parsed === null || parsed === undefined) return {};
    if (typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("top level is not a mapping");
    return parsed as Plain;
  } catch (cause) {
    throw new ConfigError([`the config file ${file} is not valid YAML/JSON: ${(cause as Error).message}`], {
      cause,
    });
  }
}

/**
 * The YAML parser, loaded when a YAML file is read: `import "clearance"` should not pay for it
 * (loadConfig is synchronous, hence require rather than import()).
 */
function parseYaml(text: string): unknown {
  const { parse } = createRequire(import.meta.url)("yaml") as typeof import("yaml");
  return parse(text);
}

function fromEnv(env: Record<string, string | undefined>): Plain {
  const out: Plain = {};
  for (const [name, path] of envSettings) {
    const raw = env[name];
    if (raw === undefined || raw === "") continue;
    const value = listSettings.has(path) ? raw.split(",").map((s) => s.trim()) : raw;
    setPath(out, path, value);
  }
  const keyFile = env.PARAGON_SIGNING_KEY_FILE;
  if (keyFile && !env.PARAGON_SIGNING_KEY) {
    try {
      setPath(out, "managedSync.signingKey", readFileSync(keyFile, "utf8"));
    } catch (cause) {
      throw new ConfigError([`PARAGON_SIGNING_KEY_FILE=${keyFile} cannot be read: check the path`], {
        cause,
      });
    }
  }
  // A Qdrant URL alone is enough to choose Qdrant; the embedded store stays the default otherwise.
  if (env.QDRANT_URL && !env.CLEARANCE_STORE) setPath(out, "store.kind", "qdrant");
  return out;
}

function describeIssues(issues: readonly z.core.$ZodIssue[], layers: Layers): string[] {
  const { file } = layers;
  return issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys")
      return issue.keys.map((key) =>
        unknownSettingProblem(issue.path, key, originOf(issue.path, key, layers)),
      );
    const path = issue.path.join(".");
    const envName = envNameFor(path);
    const where =
      setBy(issue.path.map(String), layers) ??
      [envName ? `env ${envName}` : undefined, file ? `or "${path}" in ${file}` : undefined]
        .filter(Boolean)
        .join(" ");
    return `${path || "(root)"}${where ? ` (${where})` : ""}: ${issue.message}`;
  });
}

/**
 * Where a refused value was set: the layer that won (a flag or code, then the environment, then
 * the file). Without it a value from the file was reported as "(env CLEARANCE_STRATEGY or
 * "retrieval.strategy" in clearance.yaml)", and people looked for a variable they never set.
 * Undefined when no layer set it (a missing setting: the message says where to set it).
 */
function setBy(path: readonly string[], layers: Layers): string | undefined {
  if (path.length === 0) return undefined;
  if (isSetIn(layers.overrides, path)) return "set in code or by a flag";
  if (isSetIn(layers.environment, path)) {
    // A list's item (tenants.1) was set by the list's variable.
    for (let end = path.length; end > 0; end--) {
      const envName = envNameFor(path.slice(0, end).join("."));
      if (envName) return `env ${envName}`;
    }
    return "set in the environment";
  }
  if (layers.file && isSetIn(layers.fromFile, path)) return `in ${layers.file}`;
  return undefined;
}

function isSetIn(layer: Plain, path: readonly string[]): boolean {
  let node: unknown = layer;
  for (const part of path) {
    if (typeof node !== "object" || node === null || !(part in node)) return false;
    node = (node as Record<string, unknown>)[part];
  }
  return node !== undefined;
}

/**
 * Where an unknown key was set: the environment variable (a deployment's env is where a stale
 * `CLEARANCE_STORE_DIR` beside `QDRANT_URL` lives), the file, or code. Naming the file for a key
 * the environment set sent people looking for a line that is not there.
 */
function originOf(parent: readonly PropertyKey[], key: string, layers: Layers): string | undefined {
  const path = [...parent.map(String), key];
  const has = (layer: Plain) => {
    let node: unknown = layer;
    for (const part of path) {
      if (!isPlain(node) || !(part in node)) return false;
      node = node[part];
    }
    return true;
  };
  const envName = envNameFor(path.join("."));
  const origins = [
    envName && has(layers.environment) ? `env ${envName}` : undefined,
    layers.file && has(layers.fromFile) ? `in ${layers.file}` : undefined,
    has(layers.overrides) ? "set in code or by a flag" : undefined,
  ].filter(Boolean);
  return origins.length > 0 ? origins.join(", ") : undefined;
}

function setPath(target: Plain, path: string, value: unknown): void {
  const keys = path.split(".");
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
    node = node[key] as Plain;
  }
  node[keys[keys.length - 1] as string] = value;
}

function deepMerge(target: Plain, source: Plain): void {
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) continue;
    const existing = target[key];
    if (isPlain(value) && isPlain(existing)) deepMerge(existing, value);
    else target[key] = isPlain(value) ? structuredClone(value) : value;
  }
}

function isPlain(value: unknown): value is Plain {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
