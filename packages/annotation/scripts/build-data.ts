/**
 * Makes data/cell-ontology.json, data/markers.json and data/cas-schema.json from the reference files
 * in shared/reference (provenance and licences in its README and in this package's README):
 *
 *   pnpm --filter @scfnccl/annotation build-data [REFERENCE_DIR]
 *
 * The ontology keeps what the product shows and checks (label, definition, synonyms, parents,
 * obsolete, replaced_by/consider); marker sets keep the genes and the database's names, each name
 * mapped to a CL id here, once, so the mapping is reviewable in git. Re-running on the same inputs
 * gives the same bytes.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { CellOntology, type StoredOntology, type StoredTerm } from "../src/ontology/ontology.ts";
import { CURATED_NAMES } from "../src/markers/curated.ts";
import type { MarkerSource, Organism, StoredMarkers, StoredMarkerSet } from "../src/markers/types.ts";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "data");

function referenceDir(): string {
  if (process.argv[2]) return resolve(process.argv[2]);
  if (process.env.SCFNCCL_SHARED_REFERENCE) return resolve(process.env.SCFNCCL_SHARED_REFERENCE);
  let dir = here;
  while (!existsSync(join(dir, "pnpm-workspace.yaml"))) dir = dirname(dir);
  return join(dir, "..", "shared", "reference");
}
const ref = referenceDir();

// --- Cell Ontology --------------------------------------------------------------------------
const RELEASE = "2026-03-26";
interface CompactTerm {
  label: string;
  description?: string;
  synonyms?: string[];
  ancestors: Record<string, number>;
  deprecated: boolean;
  replaced_by?: string;
  consider?: string[];
}
const compact = JSON.parse(readFileSync(join(ref, "cell_ontology", `CL-ontology-v${RELEASE}.json`), "utf8")) as Record<string, CompactTerm>;
const terms: Record<string, StoredTerm> = {};
for (const id of Object.keys(compact).sort()) {
  const t = compact[id]!;
  const parents = Object.entries(t.ancestors)
    .filter(([, d]) => d === 1)
    .map(([a]) => a)
    .sort();
  terms[id] = {
    l: t.label,
    ...(t.description ? { d: t.description } : {}),
    ...(t.synonyms?.length ? { s: t.synonyms } : {}),
    ...(parents.length ? { p: parents } : {}),
    ...(t.deprecated ? { o: 1 as const } : {}),
    ...(t.replaced_by ? { r: t.replaced_by } : {}),
    ...(t.consider?.length ? { c: t.consider } : {}),
  };
}
const ontologyData: StoredOntology = { release: RELEASE, terms };
writeFileSync(join(out, "cell-ontology.json"), `${JSON.stringify(ontologyData)}\n`);
const ontology = new CellOntology(ontologyData);

// --- marker databases ----------------------------------------------------------------------
const sources: MarkerSource[] = [
  {
    id: "panglaodb",
    name: "PanglaoDB",
    citation: "Franzén O, Gan L-M, Björkegren JLM. PanglaoDB: a web server for exploration of mouse and human single-cell RNA sequencing data. Database 2019:baz046",
    licence: "public academic resource; cite it",
    url: "https://panglaodb.se",
  },
  {
    id: "cellmarker2",
    name: "CellMarker 2.0",
    citation: "Hu C et al. CellMarker 2.0: an updated database of manually curated cell markers in human/mouse and web tools based on scRNA-seq data. Nucleic Acids Res 2023;51:D870–D876",
    licence: "public academic resource; cite it",
    url: "http://bio-bigdata.hrbmu.edu.cn/CellMarker/",
  },
  {
    id: "pegasus",
    name: "pegasus curated markers",
    citation: "Li B et al. Cumulus provides cloud-based data analysis for large-scale single-cell and single-nucleus RNA-seq. Nat Methods 2020;17:793–798",
    licence: "BSD 3-Clause (data/LICENSE.pegasus)",
    url: "https://github.com/lilab-bcb/pegasus",
  },
];

const sets: StoredMarkerSet[] = [];
const unique = (xs: string[]) => [...new Set(xs.map((g) => g.trim()).filter(Boolean))];
// CellMarker 2.0 also lists cells of tumours ("Cancer cell", "Malignant cell", "Leukemic stem
// cell"): markers of a disease state, not of a cell type, so they name no CL term here.
const DISEASE_STATE = /\b(cancer|malignant|tumou?r|leukemi[ac]|carcinoma|metasta\w*)\b/i;
function mapName(name: string): Pick<StoredMarkerSet, "cl" | "how"> {
  if (DISEASE_STATE.test(name)) return { cl: null, how: null };
  const curated = CURATED_NAMES[name];
  if (curated !== undefined) return { cl: curated, how: curated ? "curated" : null };
  const m = ontology.matchName(name);
  return m ? { cl: m.id, how: m.how } : { cl: null, how: null };
}
// Mouse symbols are the human ones in title case for the one-to-one orthologues PanglaoDB lists.
const mouseSymbol = (g: string) => (/^[A-Z0-9-]+$/.test(g) ? g[0] + g.slice(1).toLowerCase() : g);

// PanglaoDB: one row per (gene, cell type); species "Mm Hs", "Hs" or "Mm".
{
  const rows = parse(readFileSync(join(ref, "markers", "panglaodb", "PanglaoDB_markers_27_Mar_2020.tsv")), { delimiter: "\t", columns: true, relax_quotes: true }) as Record<string, string>[];
  const groups = new Map<string, { org: Organism; tis: string | null; name: string; genes: string[] }>();
  for (const r of rows) {
    const species = (r["species"] ?? "").split(" ");
    for (const [code, org] of [
      ["Hs", "human"],
      ["Mm", "mouse"],
    ] as const) {
      if (!species.includes(code)) continue;
      const name = r["cell type"]!;
      const tis = r["organ"] && r["organ"] !== "NA" ? r["organ"] : null;
      const key = `${org}\t${tis}\t${name}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { org, tis, name, genes: [] }));
      const gene = r["official gene symbol"]!;
      g.genes.push(org === "mouse" ? mouseSymbol(gene) : gene);
    }
  }
  for (const g of groups.values()) sets.push({ src: "panglaodb", org: g.org, tis: g.tis, name: g.name, ...mapName(g.name), pos: unique(g.genes) });
}

// CellMarker 2.0 summaries: Tissue,CT,Gene (comma-separated list, repeats included).
for (const [file, org] of [
  ["CellMarker2_Human_Aug.csv", "human"],
  ["CellMarker2_Mouse.csv", "mouse"],
] as const) {
  const rows = parse(readFileSync(join(ref, "markers", "cellmarker2", file)), { columns: true }) as Record<string, string>[];
  for (const r of rows) {
    const name = r["CT"]!.replace(/\u00a0/g, " ").trim();
    const tis = r["Tissue"]!.replace(/\u00a0/g, " ").trim() || null;
    sets.push({ src: "cellmarker2", org, tis, name, ...mapName(name), pos: unique(r["Gene"]!.split(",")) });
  }
}

// pegasus: weighted sets of "GENE+"/"GENE-", subtypes nested; each (sub)type becomes one set.
interface PegasusType {
  name: string;
  markers: { genes: string[]; weight: number }[];
  subtypes?: { cell_types: PegasusType[] };
}
for (const [file, org, tis] of [["human_brain_cell_markers.json", "human", "Brain"]] as const) {
  const doc = JSON.parse(readFileSync(join(ref, "markers", "pegasus", file), "utf8")) as { cell_types: PegasusType[] };
  const visit = (t: PegasusType) => {
    const genes = t.markers.flatMap((m) => m.genes);
    sets.push({
      src: "pegasus",
      org,
      tis,
      name: t.name,
      ...mapName(t.name),
      pos: unique(genes.filter((g) => g.endsWith("+")).map((g) => g.slice(0, -1))),
      neg: unique(genes.filter((g) => g.endsWith("-")).map((g) => g.slice(0, -1))),
    });
    t.subtypes?.cell_types.forEach(visit);
  };
  doc.cell_types.forEach(visit);
}
for (const s of sets) if (s.neg && !s.neg.length) delete s.neg;
sets.sort((a, b) => a.src.localeCompare(b.src) || a.org.localeCompare(b.org) || String(a.tis).localeCompare(String(b.tis)) || a.name.localeCompare(b.name));
const markers: StoredMarkers = { sources, sets };
writeFileSync(join(out, "markers.json"), `${JSON.stringify(markers)}\n`);
writeFileSync(join(out, "LICENSE.pegasus"), readFileSync(join(ref, "markers", "pegasus", "LICENSE")));

// --- Cell Annotation Schema -------------------------------------------------------------------
// The shipped schema's Review requires `verdict` while its properties name the field `review` and
// forbid any other, so no review could ever validate. We follow the property (`review`, as the
// schema's own description and later CAS releases do) and make it the required one.
const schema = JSON.parse(readFileSync(join(ref, "cell_annotation_schema", "general_schema.json"), "utf8")) as {
  definitions: { Review: { required: string[] } };
  $comment?: string;
};
schema.definitions.Review.required = schema.definitions.Review.required.map((r) => (r === "verdict" ? "review" : r));
schema.$comment = "cell-annotation-schema general_schema.json @ b29d8ea0, with Review.required 'verdict' read as 'review' (the property it defines)";
writeFileSync(join(out, "cas-schema.json"), `${JSON.stringify(schema, null, 1)}\n`);

const mapped = sets.filter((s) => s.cl);
console.log(`ontology: ${Object.keys(terms).length} terms (${Object.values(terms).filter((t) => t.o).length} obsolete)`);
for (const src of sources) {
  const of = sets.filter((s) => s.src === src.id);
  const names = new Set(of.map((s) => s.name));
  const mappedNames = new Set(of.filter((s) => s.cl).map((s) => s.name));
  console.log(`${src.name}: ${of.length} sets, ${names.size} names, ${mappedNames.size} mapped to CL (${[...new Set(of.filter((s) => s.how === "broader").map((s) => s.name))].length} to a broader term)`);
}
console.log(`markers: ${sets.length} sets, ${mapped.length} with a CL id`);
