import { describe, expect, it } from "vitest";
import { failureKind, repeatKey, TIMEOUT_RUNS_BEFORE_PERMANENT } from "../../src/ingest/failures.js";
import { ExtractError } from "../../src/ingest/text/index.js";
import {
  BodyIncompleteError,
  ContentTooLargeError,
  ManagedSyncHttpError,
  ManagedSyncNetworkError,
  ManagedSyncTimeoutError,
} from "../../src/managed-sync/index.js";

describe("failureKind: permanent or transient (issue 11 item 9)", () => {
  it("what the file is, is permanent", () => {
    for (const code of [
      "ENCRYPTED",
      "EMPTY",
      "TOO_LARGE",
      "TOO_LONG",
      "MALFORMED",
      "ZIP_BOMB",
      "UNSUPPORTED_TYPE",
    ] as const) {
      expect(failureKind(new ExtractError(code, "x"), 0)).toBe("permanent");
    }
    expect(failureKind(new ContentTooLargeError("too big", { maxBytes: 10, sizeBytes: 20 }), 0)).toBe(
      "permanent",
    );
  });

  it("the network and the service failing is transient, however often", () => {
    expect(failureKind(new ManagedSyncHttpError("503", { status: 503 }), 0)).toBe("transient");
    expect(failureKind(new ManagedSyncHttpError("502", { status: 502 }), 50)).toBe("transient");
    expect(failureKind(new ManagedSyncNetworkError("reset", {}), 0)).toBe("transient");
    expect(failureKind(new ManagedSyncHttpError("429", { status: 429 }), 50)).toBe("transient");
    expect(failureKind(new ManagedSyncHttpError("401", { status: 401 }), 50)).toBe("transient");
    expect(failureKind(new TypeError("a bug"), 0)).toBe("transient");
  });

  it("a download timing out or cut off is transient until it happens the same way several runs in a row", () => {
    const timeout = new ManagedSyncTimeoutError("slow", { timeoutMs: 10 });
    const cut = new BodyIncompleteError("cut", {});
    for (const error of [timeout, cut]) {
      for (let before = 0; before < TIMEOUT_RUNS_BEFORE_PERMANENT - 1; before++) {
        expect(failureKind(error, before)).toBe("transient");
      }
      expect(failureKind(error, TIMEOUT_RUNS_BEFORE_PERMANENT - 1)).toBe("permanent");
    }
    // Each way is counted on its own, and apart from an extraction timeout of the same code.
    expect(new Set([timeout, cut, new ExtractError("TIMEOUT", "x")].map(repeatKey)).size).toBe(3);
    expect(repeatKey(new ManagedSyncHttpError("503", { status: 503 }))).toBeUndefined();
    expect(repeatKey(new ExtractError("MALFORMED", "x"))).toBeUndefined();
  });

  it("an extraction timeout or crash is transient until it happens several runs in a row", () => {
    for (const code of ["TIMEOUT", "EXTRACTOR_CRASHED"] as const) {
      const error = new ExtractError(code, "took longer than 60 s");
      for (let before = 0; before < TIMEOUT_RUNS_BEFORE_PERMANENT - 1; before++) {
        expect(failureKind(error, before)).toBe("transient");
      }
      expect(failureKind(error, TIMEOUT_RUNS_BEFORE_PERMANENT - 1)).toBe("permanent");
    }
  });
});
