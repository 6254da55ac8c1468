/**
 * Reader of a run's per-cell results file (`Run.cellsUrl`, binary): a little-endian uint32 header
 * length H, H bytes of UTF-8 JSON naming each array's offset, dtype and shape, then the arrays
 * (4-byte aligned, so they are viewed in place without copying).
 */
export interface RunCells {
  n: number;
  k: number;
  /** [n * 2]: x0, y0, x1, y1, … */
  umap: Float32Array;
  /** [n] cluster id per cell. */
  cluster: Int32Array;
  /** [n] index of each cell in the dataset. */
  cell: Int32Array;
  labelKey: string | null;
  labelNames: string[];
  /** [n] index into labelNames, -1 when missing; null without labels. */
  label: Int32Array | null;
}

interface ArraySpec {
  offset: number;
  dtype: "float32" | "int32";
  shape: number[];
}

export function parseRunCells(buffer: ArrayBuffer): RunCells {
  if (buffer.byteLength < 4) throw new Error("cells file: shorter than its header");
  const headerLength = new DataView(buffer).getUint32(0, true);
  if (4 + headerLength > buffer.byteLength) throw new Error("cells file: header runs past the end");
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, headerLength))) as {
    n: number;
    k: number;
    labelKey?: string | null;
    labelNames?: string[] | null;
    arrays: Record<string, ArraySpec | undefined>;
  };
  const view = (name: string, required: boolean): Float32Array | Int32Array | null => {
    const spec = header.arrays[name];
    if (!spec) {
      if (required) throw new Error(`cells file: no '${name}' array`);
      return null;
    }
    const length = spec.shape.reduce((a, b) => a * b, 1);
    if (spec.offset % 4 !== 0 || spec.offset + length * 4 > buffer.byteLength) throw new Error(`cells file: '${name}' lies outside the file`);
    return spec.dtype === "float32" ? new Float32Array(buffer, spec.offset, length) : new Int32Array(buffer, spec.offset, length);
  };
  const umap = view("umap", true);
  const cluster = view("cluster", true);
  const cell = view("cell", true);
  if (!(umap instanceof Float32Array) || !(cluster instanceof Int32Array) || !(cell instanceof Int32Array)) throw new Error("cells file: unexpected array types");
  const label = view("label", false);
  return {
    n: header.n,
    k: header.k,
    umap,
    cluster,
    cell,
    labelKey: header.labelKey ?? null,
    labelNames: header.labelNames ?? [],
    label: label instanceof Int32Array ? label : null,
  };
}

export async function fetchRunCells(url: string): Promise<RunCells> {
  const res = await fetch(url, { credentials: "same-origin" });
  if (!res.ok) throw new Error(`The cell coordinates could not be loaded (HTTP ${res.status}).`);
  return parseRunCells(await res.arrayBuffer());
}
