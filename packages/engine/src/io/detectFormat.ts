import { constants, gunzipSync } from "node:zlib";
import { InputError } from "../errors.ts";
import { readBytes, statInputFile } from "./inputFile.ts";

/**
 * What a file's content says it is: HDF5 (h5ad/loom/10x .h5/X-Y are told apart by their layout, see
 * detectHdf5Layout), text (plain or gzip; its first line tells CSV/TSV from Matrix Market), or unknown.
 */
export type FileFormat = { kind: "hdf5"; superblockOffset: number } | { kind: "text"; gzip: boolean; firstLine: string } | { kind: "unknown" };

/** Bytes looked at to decide whether a file is text. */
const TEXT_PROBE_BYTES = 64 * 1024;

/** The 8-byte HDF5 format signature, `\x89HDF\r\n\x1a\n`. */
export const HDF5_SIGNATURE = Uint8Array.of(0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a);

/**
 * Where the HDF5 superblock starts: offset 0, or after a user block at 512, 1024, 2048, … bytes
 * (the places the HDF5 library itself searches). Undefined when the signature is at none of them.
 */
export async function findHdf5Superblock(path: string, fileSize: number): Promise<number | undefined> {
  for (let offset = 0; offset + HDF5_SIGNATURE.length <= fileSize; offset = offset === 0 ? 512 : offset * 2) {
    const head = await readBytes(path, offset, HDF5_SIGNATURE.length);
    if (head.length === HDF5_SIGNATURE.length && head.every((b, i) => b === HDF5_SIGNATURE[i])) return offset;
  }
  return undefined;
}

/** Detects the format from the file's content (not its name). Throws InputError for missing/empty/unreadable paths. */
export async function detectFormat(path: string): Promise<FileFormat> {
  const stats = await statInputFile(path);
  const superblockOffset = await findHdf5Superblock(path, stats.size);
  if (superblockOffset !== undefined) return { kind: "hdf5", superblockOffset };
  const head = await readBytes(path, 0, TEXT_PROBE_BYTES);
  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  const text = gzip ? gunzipHead(head) : head;
  const firstLine = text && asTextLine(text);
  return firstLine === undefined ? { kind: "unknown" } : { kind: "text", gzip, firstLine };
}

/** The start of a gzip stream's content, or undefined when even that does not decompress. */
function gunzipHead(head: Uint8Array): Uint8Array | undefined {
  try {
    // finishFlush lets a stream cut off by the probe (or a truncated file) yield what it has.
    return gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH }).subarray(0, TEXT_PROBE_BYTES);
  } catch {
    return undefined;
  }
}

/** The first line when `bytes` look like UTF-8 text without NULs, else undefined. */
function asTextLine(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0 || bytes.includes(0)) return undefined;
  let text: string;
  try {
    // A multi-byte character may be cut at the end of the probe: drop up to 3 trailing bytes before judging.
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, bytes.length < TEXT_PROBE_BYTES ? bytes.length : bytes.length - 3));
  } catch {
    return undefined;
  }
  const line = text.split("\n", 1)[0]!.replace(/\r$/, "");
  return line;
}

/** Throws the InputError readers give for a file that is not HDF5. */
export async function assertHdf5(path: string): Promise<void> {
  const format = await detectFormat(path);
  if (format.kind !== "hdf5") throw new InputError("not an HDF5 file (unrecognised format)", path);
}
