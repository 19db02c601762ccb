import { ClearanceError } from "./errors.js";

/**
 * The packages a part of Clearance needs that not every app does, so they are optional peer
 * dependencies (package.json `peerDependenciesMeta`) loaded at first use. The versions are the
 * ones Clearance is tested with; a test checks package.json says the same.
 */
export const OPTIONAL_PACKAGES = {
  lancedb: {
    feature: "the embedded vector store (LanceChunkStore, CLEARANCE_STORE=lancedb, the default)",
    packages: { "@lancedb/lancedb": "0.31.0", "apache-arrow": "18.1.0" },
  },
  qdrant: {
    feature: "the Qdrant vector store (QdrantChunkStore, QDRANT_URL)",
    packages: { "@qdrant/js-client-rest": "1.18.0" },
  },
  openai: {
    feature: "OpenAI embeddings and answers (OPENAI_API_KEY)",
    packages: { "@langchain/openai": "1.5.8" },
  },
} as const satisfies Record<string, { feature: string; packages: Record<string, string> }>;

export type OptionalPart = keyof typeof OPTIONAL_PACKAGES;

/** A part of Clearance was used whose optional package is not installed; the message says what to install. */
export class MissingDependencyError extends ClearanceError {
  /** The package that could not be found. */
  readonly packageName: string;

  constructor(part: OptionalPart, packageName: string, options?: { cause?: unknown }) {
    const { feature, packages } = OPTIONAL_PACKAGES[part];
    const install = Object.entries(packages)
      .map(([name, version]) => `${name}@${version}`)
      .join(" ");
    super(
      "DEPENDENCY_MISSING",
      `${feature} needs the package ${packageName}, which is not installed: run \`npm install ${install}\``,
      options,
    );
    this.packageName = packageName;
  }
}

/**
 * Loads the module that uses an optional part's packages (a dynamic `import()`, so apps that never
 * use the part neither install nor load them); a missing package becomes a `MissingDependencyError`.
 *
 * @example const lance = await importOptional("lancedb", () => import("./lance-runtime.js"));
 */
export async function importOptional<T>(part: OptionalPart, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const missing = Object.keys(OPTIONAL_PACKAGES[part].packages).find((name) => isNotFound(error, name));
    if (missing) throw new MissingDependencyError(part, missing, { cause: error });
    throw error;
  }
}

/** Node's "Cannot find package 'x' imported from …" (ERR_MODULE_NOT_FOUND) for this package. */
function isNotFound(error: unknown, packageName: string): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (
    (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
    error.message.includes(`'${packageName}'`)
  );
}
