import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ContentStore } from "./content-store.js";
import type { EmulatorState } from "./emulator-state.js";
import { EmulatorStateError } from "./errors.js";
import { fromSnapshot, toSnapshot } from "./snapshot.js";

/** Where a state folder keeps things: `state.json` plus file bytes under `blobs/` by sha256. */
export function stateFiles(dir: string): { state: string; blobs: string } {
  return { state: join(dir, "state.json"), blobs: join(dir, "blobs") };
}

/** Opens a state folder: its content store, and the saved state when there is one. */
export async function openStateDir(dir: string): Promise<{ content: ContentStore; saved?: EmulatorState }> {
  const files = stateFiles(dir);
  await mkdir(files.blobs, { recursive: true });
  const content = new ContentStore(files.blobs);
  if (!existsSync(files.state)) return { content };
  let data: unknown;
  try {
    data = JSON.parse(await readFile(files.state, "utf8"));
  } catch (cause) {
    throw new EmulatorStateError(
      "STATE_FILE_INVALID",
      `${files.state} is not readable JSON: delete the state folder to start again from the corpus`,
      { cause },
    );
  }
  return { content, saved: fromSnapshot(data, content, files.state) };
}

/**
 * Saves the state to its folder after changes: many changes in one tick make one write, writes
 * never overlap, and `flush()` resolves once everything changed so far is on disk.
 */
export class StatePersistence {
  private dirty = true;
  private writing: Promise<void> = Promise.resolve();
  private scheduled: NodeJS.Immediate | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly dir: string,
    private readonly state: EmulatorState,
  ) {
    this.unsubscribe = state.on("change", () => this.markDirty());
  }

  /** Writes pending changes; resolves when they are durable. */
  flush(): Promise<void> {
    if (this.scheduled) {
      clearImmediate(this.scheduled);
      this.scheduled = undefined;
    }
    this.writing = this.writing.then(() => this.write());
    return this.writing;
  }

  /** Stops watching and writes what is pending. */
  async close(): Promise<void> {
    this.unsubscribe();
    await this.flush();
  }

  private markDirty(): void {
    this.dirty = true;
    this.scheduled ??= setImmediate(() => {
      this.scheduled = undefined;
      void this.flush().catch((error) => console.error("emulator: saving state failed", error));
    });
  }

  private async write(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    const files = stateFiles(this.dir);
    try {
      await this.state.content.flush();
      const tmp = `${files.state}.tmp`;
      await writeFile(tmp, JSON.stringify(toSnapshot(this.state)));
      await rename(tmp, files.state);
    } catch (error) {
      this.dirty = true;
      throw error;
    }
  }
}
