import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ContentHash } from "./types.js";

/** Digests of a file's bytes, as the record's `hash` shows them. */
export function hashBytes(bytes: Uint8Array): ContentHash {
  return {
    md5: createHash("md5").update(bytes).digest("hex"),
    sha256: createHash("sha256").update(bytes).digest("hex"),
  };
}

/**
 * File bytes by sha256. In memory always; with a directory, new bytes are also written there
 * on `flush()` and missing ones are read from it, so a restarted emulator keeps added files.
 */
export class ContentStore {
  private readonly bytes = new Map<string, Uint8Array>();
  private readonly unwritten = new Set<string>();

  constructor(private readonly dir?: string) {}

  /** Keeps `bytes` and returns their digests. */
  put(bytes: Uint8Array): ContentHash {
    const hash = hashBytes(bytes);
    if (!this.bytes.has(hash.sha256)) {
      this.bytes.set(hash.sha256, bytes);
      if (this.dir) this.unwritten.add(hash.sha256);
    }
    return hash;
  }

  /** The bytes with this sha256, if known. */
  get(sha256: string): Uint8Array | undefined {
    const held = this.bytes.get(sha256);
    if (held || !this.dir) return held;
    const file = join(this.dir, sha256);
    if (!existsSync(file)) return undefined;
    const read = new Uint8Array(readFileSync(file));
    this.bytes.set(sha256, read);
    return read;
  }

  /** Writes bytes not yet on disk (no-op without a directory). */
  async flush(): Promise<void> {
    if (!this.dir || this.unwritten.size === 0) return;
    await mkdir(this.dir, { recursive: true });
    for (const sha256 of [...this.unwritten]) {
      const bytes = this.bytes.get(sha256);
      const file = join(this.dir, sha256);
      if (bytes && !existsSync(file)) {
        await writeFile(`${file}.tmp`, bytes);
        await rename(`${file}.tmp`, file);
      }
      this.unwritten.delete(sha256);
    }
  }
}
