import { InputError } from "../errors.ts";
import { readBytes, statInputFile } from "./inputFile.ts";

/**
 * What a file's content says it is. Only HDF5 is recognised so far; h5ad/loom/10x .h5 are HDF5 too
 * and are told apart by their layout (see detectHdf5Layout), CSV/MTX will be added as their own kinds.
 */
export type FileFormat = { kind: "hdf5"; superblockOffset: number } | { kind: "unknown" };

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
  return { kind: "unknown" };
}

/** Throws the InputError readers give for a file that is not HDF5. */
export async function assertHdf5(path: string): Promise<void> {
  const format = await detectFormat(path);
  if (format.kind !== "hdf5") throw new InputError("not an HDF5 file (unrecognised format)", path);
}
