/**
 * How cell-type names are compared: marker databases write "CD14+ monocytes", "T cells naive" or
 * "Regulatory T (Treg) cell" where the Cell Ontology says "CD14-positive monocyte", "naive T cell"
 * and "regulatory T cell". normalizeName folds those spellings onto one form; nameKey also ignores
 * word order.
 */

const PLURAL_EXCEPTIONS = new Set(["this", "bus", "plus", "us", "is", "ss", "glomerulus", "villus", "bronchus", "nucleus", "fetus", "corpus", "thalamus", "hippocampus", "uterus", "sinus", "stratus", "radius", "lens", "series", "species", "iris", "pancreas", "testis", "epididymis", "cortis"]);

function singular(word: string): string {
  if (word.length <= 3 || PLURAL_EXCEPTIONS.has(word) || /(ss|us|is)$/.test(word)) return word;
  if (word.endsWith("ies") && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith("s")) return word.slice(0, -1);
  return word;
}

/** Lower case, parenthesised asides dropped, `CD4+` → `cd4 positive`, punctuation to spaces, plurals to singular. */
export function normalizeName(name: string): string {
  let s = name.normalize("NFKC").replace(/\u00a0/g, " ").toLowerCase();
  s = s.replace(/\([^)]*\)/g, " ");
  s = s.replace(/([a-z0-9])\+/g, "$1 positive ").replace(/\b(cd\d+[a-z]?)-(?=\s|$|cd|[^a-z0-9])/g, "$1 negative ");
  s = s.replace(/[^a-z0-9]+/g, " ").trim();
  const out = s.split(" ").filter(Boolean).map(singular);
  // "CD14 monocyte" and "CD8 T cell" mean CD14+ and CD8+.
  return out.flatMap((w, i) => (/^cd\d+[a-z]?$/.test(w) && !/^(positive|negative|low|high|bright|dim)$/.test(out[i + 1] ?? "") ? [w, "positive"] : [w])).join(" ");
}

/** normalizeName with the words sorted: "t cell naive" and "naive t cell" share it. */
export function nameKey(name: string): string {
  return normalizeName(name).split(" ").sort().join(" ");
}

/** Words of a normalised name, for search. */
export function words(name: string): string[] {
  return normalizeName(name).split(" ").filter(Boolean);
}
