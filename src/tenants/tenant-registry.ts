import type { ChunkStore } from "../store/index.js";
import { TenantConfigError } from "./errors.js";

/** Where discovered tenants are remembered: the store's named state (`ChunkStore`, both backends). */
export type TenantState = Pick<ChunkStore, "listState" | "putState">;

/** The state scope discovered tenants live in: key = tenant, value = JSON `{ discoveredAt }`. */
export const TENANTS_STATE_SCOPE = "tenants";

export interface TenantRegistryOptions {
  /** Tenants from configuration: a list, or a function (library use) read at `open` and `refresh`. */
  tenants?: readonly string[] | (() => readonly string[] | Promise<readonly string[]>);
  /** Whether `discover` may add tenants (from valid webhook events). Default false. */
  discover?: boolean;
  /** Remembers discovered tenants across restarts (the store). Needed when `discover` is on. */
  state?: TenantState;
}

/**
 * The tenants one deployment serves: configured ones, plus ones discovered from webhooks when
 * discovery is on (persisted in the store's state so a restart knows them). `has` is synchronous
 * (it answers from what `open`/`refresh` read), so it can guard every request cheaply.
 *
 * @example
 * const registry = await TenantRegistry.open({ tenants: ["northwind", "contoso"], discover: true, state: store });
 * registry.has("northwind"); // true
 */
export class TenantRegistry {
  readonly #options: TenantRegistryOptions;
  #configured = new Set<string>();
  readonly #discovered = new Set<string>();

  private constructor(options: TenantRegistryOptions) {
    this.#options = options;
  }

  /** Reads the configured tenants and the discovered ones remembered in `state`. */
  static async open(options: TenantRegistryOptions): Promise<TenantRegistry> {
    if (options.discover && !options.state) {
      throw new TenantConfigError(
        "TENANT_CONFIG_INVALID",
        "tenant discovery needs a state store to remember discovered tenants across restarts",
      );
    }
    const registry = new TenantRegistry(options);
    await registry.refresh();
    return registry;
  }

  /** Whether discovery is on (events of unknown tenants register them instead of being refused). */
  get discovers(): boolean {
    return this.#options.discover === true;
  }

  /** Re-reads the configured tenants (a function source may change) and the remembered ones. */
  async refresh(): Promise<void> {
    const source = this.#options.tenants ?? [];
    const configured = typeof source === "function" ? await source() : source;
    this.#configured = new Set(configured.map((t) => t.trim()).filter((t) => t !== ""));
    if (this.#options.state) {
      for (const tenant of (await this.#options.state.listState(TENANTS_STATE_SCOPE)).keys()) {
        this.#discovered.add(tenant);
      }
    }
  }

  has(tenant: string): boolean {
    return this.#configured.has(tenant) || this.#discovered.has(tenant);
  }

  /** Every known tenant: configured first (in their order), then discovered ones (sorted). */
  list(): string[] {
    const discovered = [...this.#discovered].filter((t) => !this.#configured.has(t)).sort();
    return [...this.#configured, ...discovered];
  }

  /**
   * A valid event named `tenant`: known already → true; discovery on → remembered and true;
   * discovery off → false (the caller refuses the event and says why).
   */
  async discover(tenant: string): Promise<boolean> {
    const id = tenant.trim();
    if (id === "") return false;
    if (this.has(id)) return true;
    if (!this.discovers || !this.#options.state) return false;
    // Durable before it counts: a restart must know every tenant whose event was accepted.
    await this.#options.state.putState(
      TENANTS_STATE_SCOPE,
      id,
      JSON.stringify({ discoveredAt: new Date().toISOString() }),
    );
    this.#discovered.add(id);
    return true;
  }
}
