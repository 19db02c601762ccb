import { StoreInputError } from "../errors.js";
import {
  type AnnQuery,
  DEFAULT_ANN_QUERY,
  DEFAULT_CHUNK_CACHE_ENTRIES,
  DEFAULT_EXACT_FILTER_MAX_RECORD_IDS,
  DEFAULT_METADATA_CACHE_MB,
  DEFAULT_RECORD_CACHE_MB,
  DEFAULT_RECORD_SCAN_MAX_VALUES,
  DEFAULT_VECTOR_INDEX_MIN_ROWS,
} from "./index-settings.js";
import { checkStoreFolder } from "./store-folder.js";

/** Where and how the embedded store keeps its data. */
export interface LanceChunkStoreOptions {
  /** A folder (created if missing) or a LanceDB URI such as `s3://bucket/path`. */
  dir: string;
  /** The embedder's vector size; fixed when the store is first created. */
  dimensions: number;
  /**
   * Rows from which {@link LanceChunkStore.optimize} builds an ANN index on the vectors; below it
   * every search is exact. Default {@link DEFAULT_VECTOR_INDEX_MIN_ROWS}.
   */
  vectorIndexMinRows?: number;
  /**
   * A search filtered to at most this many record ids skips the ANN index and scans its rows
   * exactly: for a handful of records the scan is as cheap as the index and exact by construction
   * (larger sets are faster through the index with the prefilter, measured with recall@10 1.000).
   * Default {@link DEFAULT_EXACT_FILTER_MAX_RECORD_IDS}.
   */
  exactFilterMaxRecordIds?: number;
  /** How a search through the ANN index trades recall for time; default {@link DEFAULT_ANN_QUERY}. */
  annQuery?: AnnQuery;
  /** Megabytes of LanceDB file/manifest metadata kept in memory; default {@link DEFAULT_METADATA_CACHE_MB}. */
  metadataCacheMb?: number;
  /**
   * Chunks that {@link LanceChunkStore.readChunks} keeps in memory (least recently used go first),
   * served again only while the chunks table has not changed since they were read; 0 turns the
   * cache off. Default {@link DEFAULT_CHUNK_CACHE_ENTRIES}.
   */
  chunkCacheEntries?: number;
  /**
   * Megabytes of records' chunks (vectors, text, metadata) held in memory so that a search filtered
   * to a person's allow list is an exact scan of them ({@link LanceChunkStore.holdsRecords}); held
   * only while the chunks table has not changed since they were read; 0 turns it off. Default
   * {@link DEFAULT_RECORD_CACHE_MB}.
   */
  recordCacheMb?: number;
  /**
   * The most vector values (chunks × dimensions) one search scans in that memory; a person's list
   * with more is searched through the index. Default {@link DEFAULT_RECORD_SCAN_MAX_VALUES} (5k
   * chunks at 1,536 dims: raise it there to keep larger lists exact).
   */
  recordScanMaxValues?: number;
}

/** How the store builds and uses its vector index, with the defaults filled in. */
export interface SearchTuning {
  vectorIndexMinRows: number;
  exactFilterMaxRecordIds: number;
  annQuery: AnnQuery;
}

/** The memory the store may use, checked, with the defaults filled in. */
export interface CacheSizes {
  metadataCacheMb: number;
  chunkCacheEntries: number;
  recordCacheMb: number;
  recordScanMaxValues: number;
}

/**
 * Refuses a store without a folder, with a vector size no embedder has, or at a path through a
 * file: checked before LanceDB is loaded, as its own errors for these hide the cause.
 */
export function requireStoreLocation(options: LanceChunkStoreOptions): void {
  if (!options.dir) {
    throw new StoreInputError("STORE_DIR_MISSING", "the LanceDB store needs a folder: set store.dir");
  }
  if (!Number.isInteger(options.dimensions) || options.dimensions < 1) {
    throw new StoreInputError(
      "STORE_DIMENSIONS_INVALID",
      `dimensions must be a positive integer, got ${options.dimensions}`,
    );
  }
  checkStoreFolder(options.dir);
}

/** The options' cache sizes with their defaults; refuses a size no cache can have. */
export function cacheSizesOf(options: LanceChunkStoreOptions): CacheSizes {
  const metadataCacheMb = options.metadataCacheMb ?? DEFAULT_METADATA_CACHE_MB;
  if (!(metadataCacheMb > 0)) {
    throw new StoreInputError(
      "STORE_CACHE_INVALID",
      `metadataCacheMb must be a positive number of megabytes, got ${metadataCacheMb}`,
    );
  }
  const chunkCacheEntries = options.chunkCacheEntries ?? DEFAULT_CHUNK_CACHE_ENTRIES;
  if (!Number.isInteger(chunkCacheEntries) || chunkCacheEntries < 0) {
    throw new StoreInputError(
      "STORE_CACHE_INVALID",
      `chunkCacheEntries must be a whole number of chunks (0 turns the cache off), got ${chunkCacheEntries}`,
    );
  }
  const recordCacheMb = options.recordCacheMb ?? DEFAULT_RECORD_CACHE_MB;
  if (!(recordCacheMb >= 0)) {
    throw new StoreInputError(
      "STORE_CACHE_INVALID",
      `recordCacheMb must be a number of megabytes (0 turns it off), got ${recordCacheMb}`,
    );
  }
  const recordScanMaxValues = options.recordScanMaxValues ?? DEFAULT_RECORD_SCAN_MAX_VALUES;
  if (!Number.isInteger(recordScanMaxValues) || recordScanMaxValues < 1) {
    throw new StoreInputError(
      "STORE_CACHE_INVALID",
      `recordScanMaxValues must be a positive whole number of vector values (chunks × dimensions), got ${recordScanMaxValues}`,
    );
  }
  return { metadataCacheMb, chunkCacheEntries, recordCacheMb, recordScanMaxValues };
}

/** The options' index and search settings with their defaults. */
export function searchTuningOf(options: LanceChunkStoreOptions): SearchTuning {
  return {
    vectorIndexMinRows: options.vectorIndexMinRows ?? DEFAULT_VECTOR_INDEX_MIN_ROWS,
    exactFilterMaxRecordIds: options.exactFilterMaxRecordIds ?? DEFAULT_EXACT_FILTER_MAX_RECORD_IDS,
    annQuery: { ...DEFAULT_ANN_QUERY, ...options.annQuery },
  };
}
