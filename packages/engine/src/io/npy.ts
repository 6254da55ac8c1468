/**
 * NumPy's .npy format (version 1.0), the documented binary format of our embeddings:
 * "\x93NUMPY", version 1.0, a little-endian uint16 header length, an ASCII dict header padded
 * with spaces to a multiple of 64 bytes and ending in "\n", then the raw little-endian values in
 * C order. `numpy.load("embedding.npy")` reads it; so does any .npy reader.
 */
const DTYPES = { float32: "<f4", int32: "<i4" } as const;

export function encodeNpy(values: Float32Array | Int32Array, shape: number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== values.length) throw new Error(`encodeNpy: ${values.length} values for shape [${shape.join(", ")}]`);
  const descr = values instanceof Float32Array ? DTYPES.float32 : DTYPES.int32;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + header.length + 1;
  header += " ".repeat((64 - (unpadded % 64)) % 64) + "\n";
  const out = new Uint8Array(10 + header.length + values.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), 10 + header.length);
  return out;
}

export function decodeNpy(bytes: Uint8Array): { values: Float32Array | Int32Array; shape: number[] } {
  if (bytes[0] !== 0x93 || new TextDecoder().decode(bytes.subarray(1, 6)) !== "NUMPY") throw new Error("not a .npy file");
  const len = new DataView(bytes.buffer, bytes.byteOffset).getUint16(8, true);
  const header = new TextDecoder().decode(bytes.subarray(10, 10 + len));
  const descr = /'descr': '([^']+)'/.exec(header)?.[1];
  const shape = (/'shape': \(([^)]*)\)/.exec(header)?.[1] ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  // A copy into a fresh buffer: a Node Buffer's slice is a view into the whole file (or Node's shared
  // pool), so reading `.buffer` would take the header as values; the copy also aligns them.
  const data = Uint8Array.prototype.slice.call(bytes, 10 + len);
  if (descr === DTYPES.float32) return { values: new Float32Array(data.buffer), shape };
  if (descr === DTYPES.int32) return { values: new Int32Array(data.buffer), shape };
  throw new Error(`unsupported .npy dtype ${descr}`);
}
