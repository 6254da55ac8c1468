import type { MarkerSource, Organism, StoredMarkers, StoredMarkerSet } from "./types.ts";

/** Every marker set of one cell type (CL id) for one organism, merged across databases and tissues. */
export interface CellTypeMarkers {
  cellTypeId: string;
  /** Positive markers with their consensus: how many of this type's sets list the gene, relative to its most-listed gene (0, 1]. */
  positive: Map<string, number>;
  /** Negative markers (genes the type should not express), with the same consensus share. */
  negative: Map<string, number>;
  /** The database entries merged here. */
  sets: { source: MarkerSource["id"]; name: string; tissue: string | null }[];
}

export interface MarkerQuery {
  organism: Organism;
  /** Keep sets of this tissue (case-insensitive; either name containing the other, so "blood" finds "Peripheral blood") and sets without a tissue. */
  tissue?: string | null;
  /** Databases to use; default all. */
  sources?: MarkerSource["id"][];
}

/** The shipped marker databases (data/markers.json), queried by organism and tissue. */
export class MarkerDatabase {
  readonly sources: MarkerSource[];
  private readonly sets: StoredMarkerSet[];

  constructor(data: StoredMarkers) {
    this.sources = data.sources;
    this.sets = data.sets;
  }

  /** Tissue names the databases use for an organism, sorted, for a picker. */
  tissues(organism: Organism): string[] {
    return [...new Set(this.sets.filter((s) => s.org === organism && s.tis).map((s) => s.tis!))].sort((a, b) => a.localeCompare(b));
  }

  /** Sets matching the query (mapped to a CL id or not). */
  select(query: MarkerQuery): StoredMarkerSet[] {
    const tissue = query.tissue?.trim().toLowerCase() || null;
    return this.sets.filter((s) => {
      if (s.org !== query.organism) return false;
      if (query.sources && !query.sources.includes(s.src)) return false;
      if (!tissue || !s.tis) return true;
      const t = s.tis.toLowerCase();
      return t.includes(tissue) || tissue.includes(t);
    });
  }

  /** The query's sets that name a CL term, merged per term. */
  cellTypes(query: MarkerQuery): CellTypeMarkers[] {
    const byId = new Map<string, { sets: StoredMarkerSet[] }>();
    for (const s of this.select(query)) {
      if (!s.cl || !s.pos.length) continue;
      const entry = byId.get(s.cl);
      if (entry) entry.sets.push(s);
      else byId.set(s.cl, { sets: [s] });
    }
    const out: CellTypeMarkers[] = [];
    for (const [cellTypeId, { sets }] of byId) {
      const share = (pick: (s: StoredMarkerSet) => string[] | undefined) => {
        const counts = new Map<string, number>();
        for (const s of sets) for (const g of pick(s) ?? []) counts.set(g, (counts.get(g) ?? 0) + 1);
        // Relative to the most-cited gene, so a type described in many tissues is not diluted.
        const most = Math.max(0, ...counts.values());
        return new Map([...counts].map(([g, c]) => [g, c / most]));
      };
      out.push({
        cellTypeId,
        positive: share((s) => s.pos),
        negative: share((s) => s.neg),
        sets: sets.map((s) => ({ source: s.src, name: s.name, tissue: s.tis })),
      });
    }
    return out.sort((a, b) => a.cellTypeId.localeCompare(b.cellTypeId));
  }
}
