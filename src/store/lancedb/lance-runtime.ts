// Everything the embedded store takes from LanceDB and Apache Arrow, in one module that
// LanceChunkStore.open() imports at first use: `import "clearance"` loads neither (they take
// ~300 ms and Arrow's tslib helpers land on globalThis), and apps on Qdrant need not install them.
export { makeArrowTable } from "@lancedb/lancedb";
export { chunksSchema } from "./schema.js";
export { tableIdOf } from "./table-id.js";
export { openTables } from "./tables.js";
export { maintainIndexes, tuneAnnQuery } from "./vector-index.js";
