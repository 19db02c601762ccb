export { chunkText } from "./chunk-text.js";
export { contentHash } from "./content-hash.js";
export { detectFormat, isFolderMimeType, sniffFormat, type TextFormat } from "./detect-format.js";
export {
  ChunkOptionsError,
  ExtractError,
  type ExtractErrorCode,
  isExtractErrorCode,
  isPermanentExtractCode,
} from "./errors.js";
export {
  defaultExtractPoolOptions,
  ExtractPool,
  type ExtractPoolOptions,
  sharedExtractPool,
} from "./extract-pool.js";
export { extractText } from "./extract-text.js";
export {
  type RecordKind,
  type RecordRelations,
  type RelatedPerson,
  recordTitle,
  renderRecord,
} from "./render-record.js";
export { extractTicketContent, isZipContent } from "./ticket-content.js";
export {
  type ChunkOptions,
  defaultExtractLimits,
  type ExtractedText,
  type ExtractInput,
  type ExtractLimits,
  type PageText,
  type TextChunk,
} from "./types.js";
export { wellFormed } from "./well-formed.js";
