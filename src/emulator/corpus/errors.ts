import { ClearanceError } from "../../errors.js";

/** The corpus folder or its manifest is wrong; the message names the file and the field. */
export class CorpusError extends ClearanceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("CORPUS_INVALID", message, options);
  }
}
