import type { Readable } from "node:stream";

export interface PutResult {
  key: string;
  sizeBytes: number;
  /** SHA-256 of the stored bytes, hex. */
  sha256: string;
}

export interface ObjectInfo {
  key: string;
  sizeBytes: number;
}

/**
 * Where datasets, weights and results live. Keys are `/`-separated paths
 * (`datasets/<id>/data.h5`); the database keeps only keys and metadata.
 */
export interface ObjectStore {
  readonly kind: "filesystem" | "s3";
  /** Streams `body` into `key`, computing its SHA-256 on the way. Large bodies go up in parts. */
  put(key: string, body: Readable | Uint8Array, options?: { contentType?: string }): Promise<PutResult>;
  get(key: string): Promise<Readable>;
  /** Size of the object, or null when there is none. */
  stat(key: string): Promise<ObjectInfo | null>;
  delete(key: string): Promise<void>;
  /** Every key starting with `prefix`. */
  list(prefix: string): Promise<string[]>;
  /** Checks the store can be reached (readiness). */
  ping(): Promise<void>;
}
