import { nameKey, normalizeName, words } from "./names.ts";

/** One term as shipped in data/cell-ontology.json (short keys keep the file small). */
export interface StoredTerm {
  /** label */
  l: string;
  /** definition */
  d?: string;
  /** synonyms */
  s?: string[];
  /** direct parents (is_a / part_of at distance 1) */
  p?: string[];
  /** 1 when obsolete */
  o?: 1;
  /** replaced_by (obsolete terms) */
  r?: string;
  /** terms to consider instead (obsolete terms) */
  c?: string[];
}

export interface StoredOntology {
  release: string;
  terms: Record<string, StoredTerm>;
}

export interface CellType {
  id: string;
  label: string;
  definition: string | null;
  synonyms: string[];
  parents: string[];
  obsolete: boolean;
  replacedBy: string | null;
  consider: string[];
}

export interface CellTypeMatch {
  term: CellType;
  /** Higher is better. */
  score: number;
  /** The label or synonym that matched. */
  matched: string;
}

/** Why an id cannot name a cell type; `reason` is one of the three cases a user can fix differently. */
export class CellOntologyIdError extends Error {
  constructor(
    readonly id: string,
    readonly reason: "malformed" | "unknown" | "obsolete",
    message: string,
  ) {
    super(message);
    this.name = "CellOntologyIdError";
  }
}

/** `CL:` and seven digits. */
export const CL_ID = /^CL:\d{7}$/;

/**
 * The Cell Ontology in memory: terms by id, parent and child links, label/synonym search, and the
 * checks the platform makes on an id before it names a cell type with it.
 */
export class CellOntology {
  readonly release: string;
  private readonly terms = new Map<string, CellType>();
  private readonly children = new Map<string, string[]>();
  private readonly ancestorCache = new Map<string, Set<string>>();
  /** normalised label/synonym → ids, for name matching; label entries first. */
  private readonly byName = new Map<string, { id: string; label: boolean }[]>();
  private readonly byKey = new Map<string, { id: string; label: boolean }[]>();
  /** Every (term, name) pair with its words, for search. */
  private readonly names: { id: string; name: string; norm: string; words: string[]; label: boolean }[] = [];

  constructor(data: StoredOntology) {
    this.release = data.release;
    for (const [id, t] of Object.entries(data.terms)) {
      const term: CellType = {
        id,
        label: t.l,
        definition: t.d ?? null,
        synonyms: t.s ?? [],
        parents: t.p ?? [],
        obsolete: t.o === 1,
        replacedBy: t.r ?? null,
        consider: t.c ?? [],
      };
      this.terms.set(id, term);
      for (const p of term.parents) {
        const list = this.children.get(p);
        if (list) list.push(id);
        else this.children.set(p, [id]);
      }
      if (term.obsolete) continue;
      for (const [name, label] of [[term.label, true] as const, ...term.synonyms.map((s) => [s, false] as const)]) {
        const norm = normalizeName(name);
        this.names.push({ id, name, norm, words: norm.split(" "), label });
        // "microglial cell (Mmus)" is the mouse-specific twin of "microglial cell": not a name to match.
        if (name.includes("(")) continue;
        for (const [map, key] of [
          [this.byName, norm],
          [this.byKey, nameKey(name)],
          // "CD4-positive, alpha-beta T cell" is what everyone calls a CD4+ T cell.
          [this.byKey, nameKey(name.replace(/alpha[- ]beta/i, " "))],
        ] as const) {
          const list = map.get(key);
          if (!list) map.set(key, [{ id, label }]);
          else if (!list.some((e) => e.id === id)) list.push({ id, label });
        }
      }
    }
  }

  get size(): number {
    return this.terms.size;
  }

  get(id: string): CellType | undefined {
    return this.terms.get(id);
  }

  /** The term an id names, if it is a current (not obsolete) term; otherwise a CellOntologyIdError naming the id and why. */
  requireCurrent(raw: string): CellType {
    const id = raw.trim().toUpperCase();
    if (!CL_ID.test(id)) throw new CellOntologyIdError(raw, "malformed", `'${raw}' is not a Cell Ontology id (CL: and seven digits, e.g. CL:0000236)`);
    const term = this.terms.get(id);
    if (!term) throw new CellOntologyIdError(id, "unknown", `${id} is not a term of the Cell Ontology (release ${this.release})`);
    if (term.obsolete) {
      const instead = term.replacedBy ? `; use ${term.replacedBy} instead` : term.consider.length ? `; consider ${term.consider.join(", ")}` : "";
      throw new CellOntologyIdError(id, "obsolete", `${id} ('${term.label}') is obsolete in the Cell Ontology (release ${this.release})${instead}`);
    }
    return term;
  }

  /** Every ancestor of a term (not itself), following parent links. */
  ancestors(id: string): Set<string> {
    let set = this.ancestorCache.get(id);
    if (set) return set;
    set = new Set<string>();
    for (const p of this.terms.get(id)?.parents ?? []) {
      set.add(p);
      for (const a of this.ancestors(p)) set.add(a);
    }
    this.ancestorCache.set(id, set);
    return set;
  }

  /** Every descendant of a term (not itself). */
  descendants(id: string): Set<string> {
    const out = new Set<string>();
    const stack = [...(this.children.get(id) ?? [])];
    while (stack.length) {
      const c = stack.pop()!;
      if (out.has(c)) continue;
      out.add(c);
      stack.push(...(this.children.get(c) ?? []));
    }
    return out;
  }

  /** The same term, or one is an ancestor of the other. */
  related(a: string, b: string): boolean {
    return a === b || this.ancestors(a).has(b) || this.ancestors(b).has(a);
  }

  /**
   * Terms whose label or a synonym matches `query`, best first: the whole name equal to the query,
   * then names starting with it, then names where every query word starts a word, then names
   * containing the query; labels before synonyms, shorter names first. A `CL:…` query finds the
   * term by id (also an obsolete one, so a user sees what an old id meant). Obsolete terms are never
   * found by name.
   */
  search(query: string, options: { first?: number } = {}): CellTypeMatch[] {
    const first = Math.max(1, Math.min(options.first ?? 10, 100));
    const q = query.trim();
    if (!q) return [];
    const idQuery = q.toUpperCase();
    if (/^CL:\d*$/.test(idQuery)) {
      const hits: CellTypeMatch[] = [];
      for (const term of this.terms.values()) if (term.id.startsWith(idQuery)) hits.push({ term, score: term.id === idQuery ? 100 : 50, matched: term.id });
      return hits.sort((a, b) => b.score - a.score || a.term.id.localeCompare(b.term.id)).slice(0, first);
    }
    const norm = normalizeName(q);
    const qWords = words(q);
    if (!norm || !qWords.length) return [];
    const best = new Map<string, CellTypeMatch>();
    for (const n of this.names) {
      let score: number;
      if (n.norm === norm) score = 100;
      else if (n.norm.startsWith(norm)) score = 80;
      else if (qWords.every((w) => n.words.some((nw) => nw.startsWith(w)))) score = 60 + (n.words[0]!.startsWith(qWords[0]!) ? 5 : 0);
      else if (n.norm.includes(norm)) score = 40;
      else continue;
      if (n.label) score += 10;
      // Among equals, the shorter (more general, closer to the query) name first.
      score -= Math.min(9, n.words.length - qWords.length);
      const prev = best.get(n.id);
      if (!prev || score > prev.score) best.set(n.id, { term: this.terms.get(n.id)!, score, matched: n.name });
    }
    return [...best.values()].sort((a, b) => b.score - a.score || a.term.label.length - b.term.label.length || a.term.id.localeCompare(b.term.id)).slice(0, first);
  }

  /**
   * The term a free-text cell-type name (as marker databases write them) stands for: the same name
   * as a label or synonym, with " cell" added, in another word order, or failing those the term
   * named by its last words (flagged `broader`: "activated CD8+ T cell" → CD8-positive, alpha-beta
   * T cell). Null when nothing but the root "cell" would match or the name is ambiguous.
   */
  matchName(name: string): { id: string; how: "exact" | "reordered" | "broader" } | null {
    const all = normalizeName(name).split(" ").filter(Boolean);
    // Only a name ending in a noun has a broader reading ("… dendritic cell 2 b" has none).
    const last = all[all.length - 1] ?? "";
    const broaderOk = last === "cell" || /^[a-z]{3,}$/.test(last);
    for (let start = 0; start < (broaderOk ? all.length : 1); start++) {
      const rest = all.slice(start);
      if (rest.length === 1 && rest[0] === "cell") break;
      const variants = [rest.join(" "), rest[rest.length - 1] === "cell" ? null : `${rest.join(" ")} cell`].filter((v): v is string => v !== null);
      // A broader term must still say something: not "precursor cell" for "osteoclast precursor cells".
      const usable = (id: string | null) => id !== null && (start === 0 || this.ancestors(id).size >= BROADER_MIN_ANCESTORS);
      for (const v of variants) {
        const exact = pick(this.byName.get(v));
        if (usable(exact)) return { id: exact!, how: start === 0 ? "exact" : "broader" };
      }
      for (const v of variants) {
        const reordered = pick(this.byKey.get(v.split(" ").sort().join(" ")));
        if (usable(reordered)) return { id: reordered!, how: start === 0 ? "reordered" : "broader" };
      }
    }
    return null;
  }
}

/** Terms this close to the root ("cell", "precursor cell", "epithelial cell") are too general to stand in for a more specific name. */
const BROADER_MIN_ANCESTORS = 4;

/** The one id of a name, preferring a term whose label it is; null when several terms share it. */
function pick(entries: { id: string; label: boolean }[] | undefined): string | null {
  if (!entries?.length) return null;
  if (entries.length === 1) return entries[0]!.id;
  const labels = entries.filter((e) => e.label);
  return labels.length === 1 ? labels[0]!.id : null;
}
