import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createAdaptorServer } from "@hono/node-server";
import type { Hono } from "hono";
import { ClearanceError } from "../errors.js";
import { type CorpusSpec, corpusToState, loadCorpusDir } from "./corpus/index.js";
import {
  createEmulatorApp,
  type EmulatorEnv,
  type FaultConfigInput,
  FaultInjector,
  type KeyOptions,
  MalformedRecords,
  mintToken,
  resolveKeys,
} from "./server/index.js";
import { ContentStore, type EmulatorState, openStateDir, StatePersistence } from "./state/index.js";
import { type WebhookFaultsInput, WebhookSender, webhookAdminRoutes } from "./webhooks/index.js";

export interface EmulatorOptions extends KeyOptions {
  /** A corpus folder (manifest.yaml + files). */
  corpusDir?: string;
  /** An in-memory corpus (wins over corpusDir). */
  corpus?: CorpusSpec;
  /** Default 127.0.0.1 (loopback). */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** Bearer token for /__admin; generated when absent (and kept in stateDir). */
  adminToken?: string;
  /** Keep state, added files and the dev signing key here, so a restart keeps changes. */
  stateDir?: string;
  /** Fault injection from the start (off by default). */
  faults?: FaultConfigInput;
  /** POST Managed Sync webhooks here; the initial syncs end with `sync_complete`. Also `PUT /__admin/webhook`. */
  webhookUrl?: string;
  /** Delay, duplicate and reorder webhook deliveries (off by default). */
  webhookFaults?: WebhookFaultsInput;
}

/** A running emulator. */
export interface Emulator {
  /** Base URL, e.g. http://127.0.0.1:4010 (no trailing slash). */
  url: string;
  projectId: string;
  adminToken: string;
  state: EmulatorState;
  faults: FaultInjector;
  /** Records served malformed on purpose (`set(syncId, recordId, fields)`, `clear`); see the README. */
  malformed: MalformedRecords;
  app: Hono<EmulatorEnv>;
  /** The webhook sender (`setUrl`, `setFaults`, `announceSyncs`, `idle`, `stats`). */
  webhooks: WebhookSender;
  /** PKCS8 PEM of the signing key (dev mode or signingKey given), else undefined. */
  signingKeyPem: string | undefined;
  /** Where the dev-mode key was written, if it was. */
  signingKeyPath: string | undefined;
  /** Mints a Paragon User Token for a Connected User (needs a signing key). */
  tokenFor(userId: string, expiresIn?: string | number): Promise<string>;
  /** Resolves once every change so far is saved (no-op without stateDir). */
  persist(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a Managed Sync emulator on loopback.
 * @example
 * const emu = await startEmulator({ corpusDir: "examples/corpus" });
 * const token = await emu.tokenFor("northwind");
 * await fetch(`${emu.url}/api/syncs`, { headers: { Authorization: `Bearer ${token}` } });
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? "127.0.0.1";
  if (options.adminToken !== undefined && options.adminToken.length < 8) {
    throw new ClearanceError("CONFIG_INVALID", "adminToken must be at least 8 characters: pick a longer one");
  }
  const faults = new FaultInjector(options.faults);
  const keys = await resolveKeys({
    publicKey: options.publicKey,
    signingKey: options.signingKey,
    devKeyFile:
      options.devKeyFile ?? (options.stateDir ? join(options.stateDir, "signing-key.pem") : undefined),
  });
  const { state, persistence } = await openState(options);
  const adminToken = options.adminToken ?? (await loadAdminToken(options.stateDir));
  const persist = () => persistence?.flush() ?? Promise.resolve();
  const malformed = new MalformedRecords();
  const app = createEmulatorApp({
    state,
    keys,
    adminToken,
    faults,
    persist,
    revokedUsers: new Set(),
    malformed,
  });
  const webhooks = new WebhookSender({
    state,
    ...(options.webhookUrl ? { url: options.webhookUrl } : {}),
    ...(options.webhookFaults ? { faults: options.webhookFaults } : {}),
  });
  app.route("/__admin/webhook", webhookAdminRoutes(webhooks, adminToken));

  const server = createAdaptorServer({ fetch: app.fetch, hostname: host }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (cause) =>
      reject(
        new ClearanceError(
          "EMULATOR_LISTEN_FAILED",
          `cannot listen on ${host}:${options.port ?? 0}: pick another --port`,
          { cause },
        ),
      ),
    );
    server.listen(options.port ?? 0, host, () => resolve());
  }).catch(async (error) => {
    webhooks.close();
    await persistence?.close();
    throw error;
  });
  const port = (server.address() as AddressInfo).port;
  if (options.webhookUrl) webhooks.announceSyncs();

  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    projectId: state.projectId,
    adminToken,
    state,
    faults,
    malformed,
    app,
    webhooks,
    signingKeyPem: keys.privateKeyPem,
    signingKeyPath: keys.privateKeyPath,
    tokenFor: (userId, expiresIn) => mintToken(keys, state.projectId, userId, expiresIn),
    persist,
    close: async () => {
      webhooks.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await persistence?.close();
    },
  };
}

async function openState(
  options: EmulatorOptions,
): Promise<{ state: EmulatorState; persistence?: StatePersistence }> {
  const corpus = async () => {
    if (options.corpus) return options.corpus;
    if (options.corpusDir) return loadCorpusDir(options.corpusDir);
    throw new ClearanceError("EMULATOR_NO_CORPUS", "give corpusDir (a corpus folder) or corpus (in memory)");
  };
  if (!options.stateDir) return { state: corpusToState(await corpus(), new ContentStore()) };
  const opened = await openStateDir(options.stateDir);
  const state = opened.saved ?? corpusToState(await corpus(), opened.content);
  const persistence = new StatePersistence(options.stateDir, state);
  await persistence.flush();
  return { state, persistence };
}

async function loadAdminToken(stateDir: string | undefined): Promise<string> {
  if (!stateDir) return randomBytes(18).toString("base64url");
  const file = join(stateDir, "admin-token");
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  const token = randomBytes(18).toString("base64url");
  await mkdir(stateDir, { recursive: true });
  await writeFile(file, token, { mode: 0o600 });
  return token;
}
