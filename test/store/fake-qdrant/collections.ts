import { formatError, notModelled, QdrantFakeError } from "./errors.js";
import { type CompiledFilter, compileFilter, type Payload } from "./filter.js";
import type { PointId } from "./point-id.js";
import type { Distance } from "./vectors.js";

export interface StoredPoint {
  id: PointId;
  vector: number[];
  payload: Payload;
  /** The operation that last wrote the point (Qdrant's `version`). */
  version: number;
}

interface FieldIndex {
  data_type: string;
  params?: Record<string, unknown>;
}

/** One collection: its vector config, payload indexes and points (keyed by `idKey`). */
export class FakeCollection {
  readonly points = new Map<string, StoredPoint>();
  readonly indexes = new Map<string, FieldIndex>();

  constructor(
    readonly name: string,
    readonly size: number,
    readonly distance: Distance,
    private readonly config: Record<string, unknown>,
    private readonly strictMode: boolean,
  ) {}

  /**
   * Compiles a filter for this collection. In strict mode (Qdrant Cloud's default) a filter on an
   * unindexed key is refused, as Qdrant's `unindexed_filtering_retrieve/update: false` does.
   */
  filter(raw: unknown): CompiledFilter {
    const compiled = compileFilter(raw);
    if (this.strictMode) {
      for (const key of compiled.keys) {
        if (!this.indexes.has(key)) {
          throw new QdrantFakeError(
            400,
            `Bad request: Index required but not found for "${key}". Help: Create an index for this key or use a different filter.`,
          );
        }
      }
    }
    return compiled;
  }

  /** `GET /collections/{name}`: the parts of Qdrant's CollectionInfo a client reads. */
  info(): Record<string, unknown> {
    const { hnsw_config: hnsw, ...rest } = this.config;
    const payloadSchema = Object.fromEntries(
      [...this.indexes].map(([key, index]) => [key, { ...index, points: this.points.size }]),
    );
    return {
      status: "green",
      optimizer_status: "ok",
      indexed_vectors_count: 0,
      points_count: this.points.size,
      segments_count: 1,
      config: {
        params: {
          vectors: { size: this.size, distance: this.distance },
          shard_number: 1,
          replication_factor: 1,
          write_consistency_factor: 1,
          on_disk_payload: true,
          ...rest,
        },
        hnsw_config: {
          m: 16,
          ef_construct: 100,
          full_scan_threshold: 10_000,
          on_disk: false,
          ...(hnsw as object),
        },
        optimizer_config: {},
        wal_config: { wal_capacity_mb: 32, wal_segments_ahead: 0 },
        quantization_config: null,
      },
      payload_schema: payloadSchema,
    };
  }

  /** `PUT /collections/{name}/index`: recorded (it shows in payload_schema), otherwise a no-op. */
  createIndex(body: Record<string, unknown>): void {
    const { field_name: field, field_schema: schema } = body;
    if (typeof field !== "string") throw formatError("field_name must be a string");
    if (typeof schema === "string") this.indexes.set(field, { data_type: schema });
    else if (typeof schema === "object" && schema !== null && "type" in schema) {
      this.indexes.set(field, { data_type: String(schema.type), params: { ...schema } });
    } else throw formatError("field_schema must be a type name or an object with a type");
  }
}

const DISTANCES = ["Cosine", "Dot", "Euclid"];

/** The collections of one fake server, with Qdrant's answers for missing and duplicate names. */
export class FakeCollections {
  private readonly byName = new Map<string, FakeCollection>();

  constructor(private readonly strictMode: boolean) {}

  get(name: string): FakeCollection {
    const found = this.byName.get(name);
    if (!found) throw new QdrantFakeError(404, `Not found: Collection \`${name}\` doesn't exist!`);
    return found;
  }

  exists(name: string): boolean {
    return this.byName.has(name);
  }

  /** `PUT /collections/{name}`: 409 when it exists (Qdrant ≥ 1.8; 400 before). */
  create(name: string, body: Record<string, unknown>): true {
    if (this.byName.has(name)) {
      throw new QdrantFakeError(409, `Wrong input: Collection \`${name}\` already exists!`);
    }
    const { vectors, sparse_vectors: sparse, ...rest } = body;
    if (sparse !== undefined) throw notModelled("sparse vectors");
    const v = vectors as { size?: unknown; distance?: unknown } | undefined;
    if (!v || typeof v.size !== "number") throw notModelled("a collection without one unnamed dense vector");
    if (!Number.isInteger(v.size) || v.size < 1) throw formatError("vectors.size must be a positive integer");
    if (!DISTANCES.includes(String(v.distance))) throw notModelled(`distance ${String(v.distance)}`);
    const collection = new FakeCollection(name, v.size, v.distance as Distance, rest, this.strictMode);
    this.byName.set(name, collection);
    return true;
  }

  /** `DELETE /collections/{name}`: whether there was one to delete. */
  delete(name: string): boolean {
    return this.byName.delete(name);
  }
}
