/**
 * The per-cell results a browser plots, in one compact file (`umap.bin`, `Run.cellsUrl`): a
 * little-endian uint32 header length H, H bytes of UTF-8 JSON naming each array's offset, dtype and
 * shape, then the arrays, 4-byte aligned, so a client views them in place without parsing.
 * Browser-safe (no Node APIs): the worker writes it, the API and the web read it.
 */

export interface CellsFileHeader {
  version: 1;
  n: number;
  nComponents: number;
  k: number;
  labelKey: string | null;
  labelNames: string[];
  arrays: Record<string, { offset: number; dtype: "float32" | "int32"; shape: number[] } | undefined>;
}

export interface CellsFile {
  header: CellsFileHeader;
  n: number;
  k: number;
  labelKey: string | null;
  labelNames: string[];
  /** [n * 2]: x0, y0, x1, y1, … */
  umap: Float32Array;
  /** [n] cluster of each cell. */
  cluster: Int32Array;
  /** [n] index of each cell in the dataset. */
  cell: Int32Array;
  /** [n] index into labelNames, -1 when missing; null without labels. */
  label: Int32Array | null;
}

export interface CellsFileInput {
  k: number;
  umap: Float32Array;
  cluster: Int32Array;
  cell: Int32Array;
  /** Each clustered cell's label ("" = missing), in `cell` order; null when the dataset has none. */
  labels: readonly string[] | null;
  labelKey: string | null;
}

export function encodeCellsFile(input: CellsFileInput): Uint8Array {
  const n = input.cell.length;
  let labelNames: string[] = [];
  let label: Int32Array | null = null;
  if (input.labels) {
    const index = new Map<string, number>();
    label = Int32Array.from(input.labels, (name) => {
      if (name === "") return -1;
      let i = index.get(name);
      if (i === undefined) index.set(name, (i = index.size));
      return i;
    });
    labelNames = [...index.keys()];
  }
  const parts: [string, Float32Array | Int32Array, number[]][] = [
    ["umap", input.umap, [n, 2]],
    ["cluster", input.cluster, [n]],
    ["cell", input.cell, [n]],
  ];
  if (label) parts.push(["label", label, [n]]);
  // The header's length depends on the offsets it holds; offsets are computed for a header padded
  // to a fixed size first, which is then checked to be big enough.
  const base = { version: 1 as const, n, nComponents: 2, k: input.k, labelKey: input.labels ? input.labelKey : null, labelNames };
  const encoder = new TextEncoder();
  let headerSize = 256;
  for (;;) {
    const arrays: CellsFileHeader["arrays"] = {};
    let offset = 4 + headerSize;
    for (const [name, values, shape] of parts) {
      arrays[name] = { offset, dtype: values instanceof Float32Array ? "float32" : "int32", shape };
      offset += values.byteLength;
    }
    const json = encoder.encode(JSON.stringify({ ...base, arrays }));
    if (json.length > headerSize) {
      headerSize = Math.ceil(json.length / 4) * 4 + 64;
      continue;
    }
    const out = new Uint8Array(offset);
    new DataView(out.buffer).setUint32(0, headerSize, true);
    out.set(json, 4);
    out.fill(0x20, 4 + json.length, 4 + headerSize);
    for (const [name, values] of parts) out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), arrays[name]!.offset);
    return out;
  }
}

/**
 * Reads a cells file, checking every array lies inside it. Arrays are views into `bytes` where
 * they are 4-byte aligned (a fetched ArrayBuffer), copies where not (a Node Buffer from a pool).
 */
export function decodeCellsFile(bytes: Uint8Array | ArrayBuffer): CellsFile {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (u8.byteLength < 4) throw new Error("cells file: shorter than its header");
  const headerSize = new DataView(u8.buffer, u8.byteOffset, u8.byteLength).getUint32(0, true);
  if (4 + headerSize > u8.byteLength) throw new Error("cells file: header runs past the end");
  const header = JSON.parse(new TextDecoder().decode(u8.subarray(4, 4 + headerSize))) as CellsFileHeader;
  const array = (name: string, dtype: "float32" | "int32", required: boolean): Float32Array | Int32Array | null => {
    const spec = header.arrays?.[name];
    if (!spec) {
      if (required) throw new Error(`cells file: no '${name}' array`);
      return null;
    }
    if (spec.dtype !== dtype) throw new Error(`cells file: '${name}' is ${spec.dtype}, expected ${dtype}`);
    const length = spec.shape.reduce((a, b) => a * b, 1);
    if (spec.offset % 4 !== 0 || spec.offset + length * 4 > u8.byteLength) throw new Error(`cells file: '${name}' lies outside the file`);
    const Ctor = dtype === "float32" ? Float32Array : Int32Array;
    const start = u8.byteOffset + spec.offset;
    if (start % 4 === 0) return new Ctor(u8.buffer as ArrayBuffer, start, length);
    return new Ctor(u8.slice(spec.offset, spec.offset + length * 4).buffer as ArrayBuffer);
  };
  return {
    header,
    n: header.n,
    k: header.k,
    labelKey: header.labelKey ?? null,
    labelNames: header.labelNames ?? [],
    umap: array("umap", "float32", true) as Float32Array,
    cluster: array("cluster", "int32", true) as Int32Array,
    cell: array("cell", "int32", true) as Int32Array,
    label: array("label", "int32", false) as Int32Array | null,
  };
}
