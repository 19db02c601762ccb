import type { ChunkStore } from "../../src/store/index.js";

const WRITES = new Set([
  "upsert",
  "deleteStaleChunks",
  "deleteByRecord",
  "updateRecordMetadata",
  "putRecordVersions",
  "deleteRecordVersions",
  "putSyncState",
  "putState",
  "deleteState",
  "deleteSync",
]);

/**
 * Wraps a store so `onStep` runs just before every write, making each gap between two writes a
 * point where the crash test can kill the process.
 */
export function withWriteSteps<S extends ChunkStore>(store: S, onStep: (write: string) => void): S {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof property !== "string" || !WRITES.has(property) || typeof value !== "function") {
        return typeof value === "function" ? value.bind(target) : value;
      }
      return (...args: unknown[]) => {
        onStep(property);
        return value.apply(target, args);
      };
    },
  });
}
