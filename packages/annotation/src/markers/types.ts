export type Organism = "human" | "mouse";
export const ORGANISMS = ["human", "mouse"] as const;

/** A marker database shipped in data/markers.json. */
export interface MarkerSource {
  id: "panglaodb" | "cellmarker2" | "pegasus";
  name: string;
  citation: string;
  licence: string;
  url: string;
}

/** One cell type's markers in one database, organism and tissue (as shipped: short keys). */
export interface StoredMarkerSet {
  /** source id */
  src: MarkerSource["id"];
  org: Organism;
  /** tissue or organ as the database names it; null when the database gives none */
  tis: string | null;
  /** the database's cell-type name */
  name: string;
  /** Cell Ontology id the name maps to (null: none found) */
  cl: string | null;
  /** how the name was mapped: exact label/synonym, other word order, or a broader term named by its last words */
  how: "exact" | "reordered" | "broader" | "curated" | null;
  /** positive markers */
  pos: string[];
  /** negative markers (only pegasus writes them) */
  neg?: string[];
}

export interface StoredMarkers {
  sources: MarkerSource[];
  sets: StoredMarkerSet[];
}
