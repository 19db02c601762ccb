import { fileURLToPath } from "node:url";

/**
 * The example corpus shipped with the package (`examples/corpus`: Northwind Labs and Kestrel Health),
 * found from here whether Clearance runs from src/ or from an installed dist/.
 *
 * @example const emulator = await startEmulator({ corpusDir: EXAMPLE_CORPUS_DIR, port: 0 });
 */
export const EXAMPLE_CORPUS_DIR = fileURLToPath(new URL("../../../examples/corpus/", import.meta.url));
