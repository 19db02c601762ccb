/** A file's bytes as they came from `/content`, with what the record says about them. */
export interface ExtractInput {
  bytes: Uint8Array;
  /** The record's (or response's) MIME type; `application/octet-stream` falls back to `name`. */
  mimeType: string;
  /** The file name, extension included; used when the MIME type says nothing useful. */
  name: string;
}

/** How much work a single file may cause. Everything over a limit is a recorded error. */
export interface ExtractLimits {
  /** Largest file accepted, in bytes, checked before parsing. */
  maxBytes: number;
  /** Longest extracted text accepted, in characters. */
  maxChars: number;
  /**
   * Largest total an OOXML zip (DOCX/XLSX/PPTX) may inflate to, in bytes, and most the parser of
   * any file may hold in buffers beyond the file itself (a PDF's decoded streams): `ZIP_BOMB`.
   */
  maxUncompressedBytes?: number;
  /** Most time one file may take to parse, from when a worker starts on it; the worker is then killed (`TIMEOUT`). */
  timeoutMs?: number;
  /** Cancels the extraction (the run is shutting down, or the caller has its own deadline). */
  signal?: AbortSignal;
}

/** The defaults, matching `ingest.maxFileBytes` and `ingest.maxChars` in the config. */
export const defaultExtractLimits = {
  maxBytes: 25 * 1024 * 1024,
  maxChars: 2_000_000,
  maxUncompressedBytes: 100 * 1024 * 1024,
  timeoutMs: 60_000,
} as const satisfies ExtractLimits;

/** One page (or slide) of text, numbered from 1. */
export interface PageText {
  page: number;
  text: string;
}

/** The text of a file or record. `pages` is present when the format has pages (PDF, PPTX slides). */
export interface ExtractedText {
  text: string;
  pages?: PageText[];
}

/** A piece of text ready to embed; `chunkIndex` counts from 0 across the whole record. */
export interface TextChunk {
  text: string;
  chunkIndex: number;
  page?: number;
}

/** Size and overlap of chunks, in characters. */
export interface ChunkOptions {
  chunkSize: number;
  chunkOverlap: number;
}
