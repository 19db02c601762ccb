import type { Manifest, ManifestInput } from "./manifest-schema.js";

/**
 * A corpus in memory: the manifest plus file bytes by corpus-relative path ("drive/HR/Salaries.csv").
 * Tests and benches build these to make big drives without touching disk.
 */
export interface CorpusSpec {
  manifest: ManifestInput | Manifest;
  files: Map<string, Uint8Array | string> | Record<string, Uint8Array | string>;
  /** Empty folders (folders holding files are implied by the file paths). */
  folders?: string[];
  /** How errors name the manifest, e.g. its file path. */
  source?: string;
}
