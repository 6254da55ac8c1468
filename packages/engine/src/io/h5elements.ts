/**
 * Reading typed pieces out of an open HDF5 file with the checks every layout needs: an attribute as
 * a string or number, a 1-D dataset as strings or numbers of an expected length, an object reference
 * followed to its target. Each problem is an InputError that names the file and the element's path.
 */
import h5wasm, { Reference } from "h5wasm/node";
import type { Entity, Group as H5Group, OutputData } from "h5wasm/node";
import { InputError } from "../errors.ts";
import { describeShape, entityKind, H5T_FLOAT, H5T_INTEGER, H5T_STRING, isH5Dataset, type H5Dataset, type H5File } from "./hdf5.ts";

export type { H5Group };

/** H5T_ENUM: how h5py stores numpy booleans (int8 base, FALSE/TRUE). */
export const H5T_ENUM = 8;

export type NumericArray = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;

export function isH5Group(entity: Entity | null): entity is H5Group {
  return entity instanceof h5wasm.Group;
}

/** The element's path without the leading slash, as users know it from h5py ("obs/cell_type"). */
export function elementName(entity: { path: string }): string {
  return entity.path.replace(/^\//, "");
}

/** An attribute's value, or undefined when the element has none by that name. */
export function attrValue(entity: H5Dataset | H5Group, name: string): OutputData | null | undefined {
  const attrs = entity.attrs;
  if (!Object.hasOwn(attrs, name)) return undefined;
  return attrs[name]!.value;
}

/** A string attribute (a 1-element string array counts too), or undefined when absent or not a string. */
export function stringAttr(entity: H5Dataset | H5Group, name: string): string | undefined {
  let v = attrValue(entity, name);
  if (Array.isArray(v) && v.length === 1) v = v[0];
  return typeof v === "string" ? v : undefined;
}

/** A string-array attribute such as `column-order` (an empty numeric array reads as []). */
export function stringListAttr(entity: H5Dataset | H5Group, name: string, path: string): string[] | undefined {
  const v = attrValue(entity, name);
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return [v];
  if (Array.isArray(v) && v.every((s) => typeof s === "string")) return v as string[];
  if (ArrayBuffer.isView(v) && (v as NumericArray).length === 0) return [];
  throw new InputError(`${elementName(entity)} has a '${name}' attribute that is not a list of strings`, path);
}

/** Integer attribute values such as `shape` ([274, 28204]). */
export function integerListAttr(entity: H5Dataset | H5Group, name: string, path: string): number[] | undefined {
  const v = attrValue(entity, name);
  if (v === undefined || v === null) return undefined;
  const list: unknown[] | null =
    typeof v === "number" || typeof v === "bigint" ? [v] : ArrayBuffer.isView(v) ? Array.from(v as ArrayLike<unknown>) : Array.isArray(v) ? v : null;
  const numbers = list?.map((x) => (typeof x === "bigint" ? Number(x) : x));
  if (!numbers || !numbers.every((x) => typeof x === "number" && Number.isSafeInteger(x) && x >= 0)) {
    throw new InputError(`${elementName(entity)} has a '${name}' attribute that is not a list of non-negative integers`, path);
  }
  return numbers as number[];
}

/** Follows an object-reference attribute (the pre-0.8 anndata `categories`), or undefined when absent. */
export function referenceAttr(file: H5File, entity: H5Dataset | H5Group, name: string, path: string): Entity | null | undefined {
  let v: unknown = attrValue(entity, name);
  if (v === undefined) return undefined;
  while (Array.isArray(v) && v.length === 1) v = v[0];
  if (!(v instanceof Reference)) {
    throw new InputError(`${elementName(entity)} has a '${name}' attribute that is not an object reference`, path);
  }
  const target = file.dereference(v);
  if (target instanceof h5wasm.DatasetRegion) throw new InputError(`${elementName(entity)} has a region reference as '${name}'; expected an object reference`, path);
  return target;
}

/** The child `name` of `group`, which must be a dataset. */
export function childDataset(group: H5Group, name: string, path: string): H5Dataset {
  const child = group.get(name);
  if (!isH5Dataset(child)) {
    const where = group.path === "/" ? name : `${elementName(group)}/${name}`;
    throw new InputError(child === null ? `no dataset '${where}'` : `'${where}' is ${entityKind(child)}, not a dataset`, path);
  }
  return child;
}

/** Checks a dataset is 1-D (and, when given, of length n) and returns its length. */
export function oneDLength(ds: H5Dataset, path: string, expected?: { n: number; what: string }): number {
  const shape = ds.shape;
  if (shape === null || shape.length !== 1) throw new InputError(`${elementName(ds)} is not 1-D (shape: ${describeShape(shape)})`, path);
  const n = shape[0]!;
  if (expected && n !== expected.n) throw new InputError(`${elementName(ds)} has ${n} values for ${expected.n} ${expected.what}`, path);
  return n;
}

/** A 1-D string dataset (numbers are printed, so a numeric index still gives names). */
export function readStrings(ds: H5Dataset, path: string, expected?: { n: number; what: string }): string[] {
  const n = oneDLength(ds, path, expected);
  const type = ds.metadata.type;
  if (type === H5T_STRING) {
    const v = n === 0 ? [] : ds.value;
    const list = typeof v === "string" ? [v] : v;
    if (!Array.isArray(list) || list.length !== n || !list.every((s) => typeof s === "string")) {
      throw new InputError(`${elementName(ds)} could not be read as strings`, path);
    }
    return list as string[];
  }
  if (type === H5T_INTEGER || type === H5T_FLOAT) return Array.from(readNumbers(ds, path), (x) => String(x));
  throw new InputError(`${elementName(ds)} holds neither strings nor numbers (dtype ${JSON.stringify(ds.dtype)})`, path);
}

/** A 1-D numeric (or boolean enum) dataset as a typed array; 64-bit integers become float64. */
export function readNumbers(ds: H5Dataset, path: string, expected?: { n: number; what: string }): NumericArray | Float64Array {
  const n = oneDLength(ds, path, expected);
  return readNumberSlice(ds, 0, n, path);
}

/** Values [start, end) of a 1-D numeric dataset. */
export function readNumberSlice(ds: H5Dataset, start: number, end: number, path: string): NumericArray | Float64Array {
  const type = ds.metadata.type;
  if (type !== H5T_INTEGER && type !== H5T_FLOAT && type !== H5T_ENUM) {
    throw new InputError(`${elementName(ds)} is not numeric (dtype ${JSON.stringify(ds.dtype)})`, path);
  }
  if (end <= start) return new Float64Array(0);
  const v = ds.slice([[start, end]]);
  if (v instanceof BigInt64Array || v instanceof BigUint64Array) return Float64Array.from(v, Number);
  if (!ArrayBuffer.isView(v) || v instanceof DataView || (v as NumericArray).length !== end - start) {
    throw new InputError(`${elementName(ds)} could not be read as numbers`, path);
  }
  return v as NumericArray;
}
