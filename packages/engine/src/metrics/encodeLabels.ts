/** Labels encoded as integer codes 0..classes.length-1. */
export interface EncodedLabels {
  codes: Int32Array;
  /** The distinct values, sorted as sklearn's LabelEncoder (np.unique) sorts them; `classes[codes[t]]` is value t. */
  classes: string[];
}

/** Orders strings by Unicode code point, as numpy sorts str arrays (plain `<` compares UTF-16 units). */
function compareCodePoints(x: string, y: string): number {
  const nx = x.length;
  const ny = y.length;
  let i = 0;
  let j = 0;
  while (i < nx && j < ny) {
    const cx = x.codePointAt(i)!;
    const cy = y.codePointAt(j)!;
    if (cx !== cy) return cx < cy ? -1 : 1;
    i += cx > 0xffff ? 2 : 1;
    j += cy > 0xffff ? 2 : 1;
  }
  return nx - i - (ny - j);
}

/**
 * Encodes labels like sklearn's `LabelEncoder().fit_transform`: classes in sorted order
 * (numerically when every value is a number, else by code point of their string forms),
 * codes index into `classes`.
 */
export function encodeLabels(values: ArrayLike<string | number>): EncodedLabels {
  const n = values.length;
  let allNumbers = true;
  for (let t = 0; t < n; t++) {
    if (typeof values[t] !== "number") {
      allNumbers = false;
      break;
    }
  }
  const codes = new Int32Array(n);
  if (allNumbers) {
    const seen = new Map<number, number>();
    for (let t = 0; t < n; t++) seen.set(values[t] as number, 0);
    const sorted = [...seen.keys()].sort((x, y) => (Number.isNaN(x) ? 1 : Number.isNaN(y) ? -1 : x - y));
    sorted.forEach((v, i) => seen.set(v, i));
    for (let t = 0; t < n; t++) codes[t] = seen.get(values[t] as number)!;
    return { codes, classes: sorted.map(String) };
  }
  const seen = new Map<string, number>();
  for (let t = 0; t < n; t++) seen.set(String(values[t]), 0);
  const sorted = [...seen.keys()].sort(compareCodePoints);
  sorted.forEach((v, i) => seen.set(v, i));
  for (let t = 0; t < n; t++) codes[t] = seen.get(String(values[t]))!;
  return { codes, classes: sorted };
}

/**
 * Labels with unlabelled cells ("") left out: `codes[t]` is -1 for them, and `classes` holds only the
 * real classes, so K taken from the labels and every score ignore them.
 */
export function encodeKnownLabels(values: readonly string[]): EncodedLabels {
  const known: string[] = [];
  for (const v of values) if (v !== "") known.push(v);
  const enc = encodeLabels(known);
  const codes = new Int32Array(values.length).fill(-1);
  let t = 0;
  values.forEach((v, i) => {
    if (v !== "") codes[i] = enc.codes[t++]!;
  });
  return { codes, classes: enc.classes };
}
