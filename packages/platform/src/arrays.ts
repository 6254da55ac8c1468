/**
 * One container for the platform's derived binary files (per-gene expression columns, per-cell QC,
 * rank_genes_groups results): a little-endian uint32 header length H, H bytes of JSON (the caller's
 * metadata and each array's offset, dtype and length), then the arrays, 8-byte aligned, so a reader
 * views them in place. Browser-safe (no Node APIs).
 */
export type StoredArray = Float64Array | Float32Array | Int32Array;
type Dtype = "float64" | "float32" | "int32";

interface ArraysHeader<M> {
  meta: M;
  arrays: Record<string, { offset: number; dtype: Dtype; length: number }>;
}

const dtypeOf = (a: StoredArray): Dtype => (a instanceof Float64Array ? "float64" : a instanceof Float32Array ? "float32" : "int32");
const CTORS = { float64: Float64Array, float32: Float32Array, int32: Int32Array } as const;

export function encodeArrays<M>(meta: M, arrays: Record<string, StoredArray>): Uint8Array {
  let headerSize = 256;
  for (;;) {
    const layout: ArraysHeader<M>["arrays"] = {};
    let offset = Math.ceil((4 + headerSize) / 8) * 8;
    for (const [name, a] of Object.entries(arrays)) {
      layout[name] = { offset, dtype: dtypeOf(a), length: a.length };
      offset = Math.ceil((offset + a.byteLength) / 8) * 8;
    }
    const json = new TextEncoder().encode(JSON.stringify({ meta, arrays: layout }));
    if (json.length > headerSize) {
      headerSize = json.length + 64;
      continue;
    }
    const out = new Uint8Array(offset);
    new DataView(out.buffer).setUint32(0, headerSize, true);
    out.set(json, 4);
    out.fill(0x20, 4 + json.length, 4 + headerSize);
    for (const [name, a] of Object.entries(arrays)) out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), layout[name]!.offset);
    return out;
  }
}

export function decodeArrays<M>(bytes: Uint8Array): { meta: M; arrays: Record<string, StoredArray> } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerSize = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerSize))) as ArraysHeader<M>;
  // Views need aligned offsets: copy once when the bytes (a Buffer from storage) do not start 8-aligned.
  const base = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const arrays: Record<string, StoredArray> = {};
  for (const [name, a] of Object.entries(header.arrays)) {
    const Ctor = CTORS[a.dtype];
    if (a.offset + a.length * Ctor.BYTES_PER_ELEMENT > base.byteLength) throw new Error(`derived file truncated: array ${name} runs past its end`);
    arrays[name] = new Ctor(base.buffer as ArrayBuffer, base.byteOffset + a.offset, a.length);
  }
  return { meta: header.meta, arrays };
}
