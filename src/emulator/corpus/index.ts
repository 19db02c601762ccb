export type { CorpusSpec } from "./corpus-spec.js";
export { CORPUS_TIME, corpusToState, toGrant } from "./corpus-to-state.js";
export { CorpusError } from "./errors.js";
export { loadCorpusDir } from "./load-corpus.js";
export {
  DEFAULT_PROJECT_ID,
  grantInputSchema,
  type Manifest,
  type ManifestInput,
  manifestSchema,
  parseManifest,
} from "./manifest.js";
