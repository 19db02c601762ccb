export { type ManifestCompany, manifestCompanies, manifestPeople } from "./companies.js";
export type { CorpusSpec } from "./corpus-spec.js";
export { CORPUS_TIME, corpusToState, toGrant } from "./corpus-to-state.js";
export { CorpusError } from "./errors.js";
export { EXAMPLE_CORPUS_DIR } from "./example-corpus.js";
export { loadCorpusDir } from "./load-corpus.js";
export { DEFAULT_PROJECT_ID, parseManifest } from "./manifest.js";
export {
  grantInputSchema,
  type Manifest,
  type ManifestInput,
  type ManifestPerson,
  manifestSchema,
} from "./manifest-schema.js";
