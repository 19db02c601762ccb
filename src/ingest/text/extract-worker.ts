/**
 * The extraction worker's entry point (spawned by extract-pool.ts, never imported by the main
 * thread): it says it is ready, then reads one file per request, loading each format's parser the
 * first time it is needed.
 */
import { parentPort } from "node:worker_threads";
import { installBufferBudget } from "./buffer-budget.js";
import { ExtractError, messageOf } from "./errors.js";
import { loadExtractor, type ReadTask, readText } from "./read-text.js";
import type { ExtractedText } from "./types.js";

/** A file to read, numbered so a reply that arrives after its deadline cannot answer the next one. */
export interface WorkerRequest {
  id: number;
  task: ReadTask;
}

/**
 * What a worker says: it has loaded; it has its parser and starts reading a request (the deadline
 * runs from here); or how a request ended (errors travel as code + message).
 */
export type WorkerReply =
  | { type: "ready" }
  | { type: "started"; id: number }
  | { type: "done"; id: number; extracted: ExtractedText }
  | { type: "failed"; id: number; code: string; message: string; cause?: { name: string; message: string } };

const port = parentPort;
if (!port) throw new Error("extract-worker runs as a worker thread: use extractText() or ExtractPool");
// Before any parser loads: the heap limit does not cover the buffers a parser inflates into.
installBufferBudget();

port.on("message", async ({ id, task }: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    const extract = await loadExtractor(task.format);
    port.postMessage({ type: "started", id } satisfies WorkerReply);
    reply = { type: "done", id, extracted: await readText(task, extract) };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
    reply = {
      type: "failed",
      id,
      code: error instanceof ExtractError ? error.code : "EXTRACTOR_CRASHED",
      message: error instanceof ExtractError ? error.message : `${task.name}: ${messageOf(error)}`,
      ...(cause ? { cause: { name: cause.name, message: cause.message } } : {}),
    };
  }
  port.postMessage(reply);
});

port.postMessage({ type: "ready" } satisfies WorkerReply);
