/**
 * pnpm bench:suggest: how often the marker-database suggestions name a cluster's cell type.
 * Clusters a labelled data set with the Seurat-style method at the number of labelled types, ranks
 * every cluster's genes against the rest (tl.rankGenes, the statistics the platform stores), asks
 * suggestForClusters for the top 3, and scores them against the cluster's majority label through a
 * label → CL id map: a hit when the suggestion is that term, an ancestor or a descendant of it.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parse } from "csv-parse/sync";
import { io, pp, tl } from "@scfnccl/engine";
import { sharedData } from "@scfnccl/engine/testing";
import { cellOntology, guessOrganism, markerDatabase, suggestForClusters, type MarkerStat, type Organism } from "../src/index.ts";

const USAGE = `pnpm bench:suggest [--data PATH] [--labels FILE] [--label-key KEY] [--organism human|mouse]
                   [--truth-map FILE] [--tissue NAME] [--markers N] [--seed S] [--json FILE]
  --data       a data set any engine reader takes (default: shared/data/pbmc3k/filtered_feature_bc_matrix)
  --labels     CSV/TSV of cell,label (default: pbmc3k's cell_types.csv when --data is the default)
  --label-key  the label column (default: the reader's defaults, e.g. cell_type)
  --organism   default: guessed from the gene symbols' case
  --truth-map  CSV label,cl_id mapping every label to its Cell Ontology id (default: bench/pbmc3k-cl.csv)
  --tissue     restrict marker sets to a tissue (default: every tissue)
  --markers    genes per cluster given to the suggestion, best first (default 50, what the platform stores)
  --json       also write { types, top1Hits, top3Hits, rows } to FILE`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}
if (process.argv.includes("--help") || process.argv.includes("-h")) {
  console.log(USAGE);
  process.exit(0);
}
let args: ReturnType<typeof parse_>;
function parse_() {
  return parseArgs({
    options: {
      data: { type: "string" },
      labels: { type: "string" },
      "label-key": { type: "string" },
      organism: { type: "string" },
      "truth-map": { type: "string" },
      tissue: { type: "string" },
      markers: { type: "string", default: "50" },
      seed: { type: "string", default: "0" },
      json: { type: "string" },
    },
  }).values;
}
try {
  args = parse_();
} catch (err) {
  fail((err as Error).message);
}
const defaultData = !args.data;
const dataPath = args.data ?? sharedData("pbmc3k", "filtered_feature_bc_matrix");
const labelsPath = args.labels ?? (defaultData ? sharedData("pbmc3k", "cell_types.csv") : undefined);
const truthPath = args["truth-map"] ?? join(import.meta.dirname, "pbmc3k-cl.csv");
if (!existsSync(dataPath)) fail(`--data ${dataPath}: no such file or folder`);
if (labelsPath && !existsSync(labelsPath)) fail(`--labels ${labelsPath}: no such file`);
if (!existsSync(truthPath)) fail(`--truth-map ${truthPath}: no such file`);
if (args.organism && args.organism !== "human" && args.organism !== "mouse") fail(`--organism must be human or mouse (got '${args.organism}')`);
const nMarkers = Number(args.markers);
if (!Number.isInteger(nMarkers) || nMarkers < 1) fail(`--markers must be a positive integer (got '${args.markers}')`);
const seed = Number(args.seed);
if (!Number.isInteger(seed)) fail(`--seed must be an integer (got '${args.seed}')`);

const ontology = cellOntology();
const truth = new Map<string, string>();
for (const row of parse(readFileSync(truthPath), { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[]) {
  const label = row["label"];
  const id = row["cl_id"];
  if (label === undefined || id === undefined) fail(`--truth-map ${truthPath}: needs the columns label,cl_id`);
  try {
    ontology.requireCurrent(id);
  } catch (err) {
    fail(`--truth-map ${truthPath}: label '${label}': ${(err as Error).message}`);
  }
  truth.set(label, id.toUpperCase());
}

const started = performance.now();
const data = await readLabelled(dataPath, labelsPath, args["label-key"]);
const genes = geneSymbols(dataPath, data);
const guess = guessOrganism(genes);
const organism = (args.organism as Organism | undefined) ?? guess.organism;
if (!organism) fail(`cannot tell the organism from the gene names (${(guess.upper * 100).toFixed(0)}% upper case, ${(guess.title * 100).toFixed(0)}% title case): give --organism`);
const types = [...new Set(data.labels.filter((l) => l !== ""))].sort();
const unmapped = types.filter((t) => !truth.has(t));
if (unmapped.length) fail(`--truth-map ${truthPath} has no CL id for: ${unmapped.join(", ")}`);

const clustering = await tl.cluster(data, { method: "seurat", k: types.length, seed, emptyCells: "drop" });
const x = pp.log1p(pp.normalizeTotal(pp.csrSubset(data.counts, clustering.cells, null), { targetSum: 1e4 }).matrix);
const ranked = tl.rankGenes(x, clustering.clusters, { method: "wilcoxon", tieCorrect: true });
const stats: MarkerStat[][] = Array.from({ length: clustering.k }, () => []);
for (const g of ranked)
  stats[g.group] = Array.from(g.order.subarray(0, nMarkers), (j) => ({
    gene: genes[j]!,
    logFoldChange: g.logFoldChanges[j]!,
    pctIn: g.pctIn[j]!,
    pctOut: g.pctOut[j]!,
    pvalAdj: g.pvalsAdj[j]!,
  }));
const candidates = markerDatabase().cellTypes({ organism, tissue: args.tissue ?? null });
const suggestions = suggestForClusters(stats, candidates, { genes, top: 3 });

const relation = (suggested: string, truthId: string) =>
  suggested === truthId ? "same" : ontology.ancestors(truthId).has(suggested) ? "ancestor" : ontology.ancestors(suggested).has(truthId) ? "descendant" : null;
const rows = stats.map((_, c) => {
  const counts = new Map<string, number>();
  let size = 0;
  clustering.cells.forEach((cell, i) => {
    if (clustering.clusters[i] !== c) return;
    size++;
    const l = data.labels![cell]!;
    if (l) counts.set(l, (counts.get(l) ?? 0) + 1);
  });
  const [majority, majorityCells] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? ["", 0];
  const truthId = truth.get(majority) ?? null;
  const top = suggestions[c]!.map((s) => ({
    id: s.cellTypeId,
    label: ontology.get(s.cellTypeId)?.label ?? s.cellTypeId,
    score: Number(s.score.toFixed(3)),
    genes: s.matched.slice(0, 5).map((m) => m.gene),
    relation: truthId ? relation(s.cellTypeId, truthId) : null,
  }));
  const firstHit = top.findIndex((t) => t.relation !== null);
  return { cluster: c, size, majority, majorityShare: size ? majorityCells / size : 0, truthId, top1: firstHit === 0, top3: firstHit >= 0, hitRank: firstHit >= 0 ? firstHit + 1 : null, suggestions: top };
});
const top1Hits = rows.filter((r) => r.top1).length;
const top3Hits = rows.filter((r) => r.top3).length;
const typesHit = new Set(rows.filter((r) => r.top3).map((r) => r.majority)).size;

console.log(`data ${dataPath}: ${data.counts.nRows} cells × ${data.genes.length} genes, ${types.length} labelled types; organism ${organism}${args.organism ? "" : ` (guessed: ${(guess.upper * 100).toFixed(0)}% upper-case symbols)`}`);
console.log(`seurat at k = ${types.length} (seed ${seed}), top ${nMarkers} genes per cluster, ${candidates.length} candidate CL terms${args.tissue ? ` (tissue ${args.tissue})` : ""}`);
console.log("");
console.log("| cluster | cells | majority (share) | CL id | 1st | 2nd | 3rd | hit |");
console.log("|---|---|---|---|---|---|---|---|");
const cell = (s: (typeof rows)[number]["suggestions"][number] | undefined) => (s ? `${s.label} ${s.score}${s.relation ? ` (${s.relation})` : ""}` : "—");
for (const r of rows)
  console.log(`| ${r.cluster} | ${r.size} | ${r.majority} (${(r.majorityShare * 100).toFixed(0)}%) | ${r.truthId} | ${cell(r.suggestions[0])} | ${cell(r.suggestions[1])} | ${cell(r.suggestions[2])} | ${r.hitRank ? `top-${r.hitRank}` : "miss"} |`);
console.log("");
console.log(`top-1 hits ${top1Hits}/${rows.length} clusters, top-3 hits ${top3Hits}/${rows.length} clusters; labelled types named in some cluster's top 3: ${typesHit}/${types.length}; ${((performance.now() - started) / 1000).toFixed(1)} s`);
if (args.json) writeFileSync(args.json, `${JSON.stringify({ types: types.length, top1Hits, top3Hits, typesHit, organism, markers: nMarkers, rows }, null, 2)}\n`);

/**
 * The data set's labelled cells only (a label file may cover fewer cells than the matrix, as
 * pbmc3k's covers the 2,638 that pass the tutorial's QC): those are the cells the labels describe.
 */
async function readLabelled(path: string, labelsFile: string | undefined, labelKey: string | undefined) {
  const full = await io.readDataset(path, labelsFile ? {} : { labelKey });
  let labels = full.labels;
  if (labelsFile) {
    const rows = parse(readFileSync(labelsFile), { columns: true, skip_empty_lines: true, delimiter: labelsFile.endsWith(".tsv") ? "\t" : "," }) as Record<string, string>[];
    const columns = Object.keys(rows[0] ?? {});
    const key = labelKey ?? columns.find((c) => io.DEFAULT_LABEL_KEYS.includes(c)) ?? columns[1];
    if (!key || !columns.includes(key)) fail(`--labels ${labelsFile}: no column '${String(key)}' (columns: ${columns.join(", ")})`);
    const byCell = new Map(rows.map((r) => [r[columns[0]!]!, r[key]!]));
    labels = full.cells.map((c) => byCell.get(c) ?? "");
  }
  if (!labels) fail(`${path}: no labels (give --labels FILE and --label-key KEY)`);
  const keep = Int32Array.from(labels.flatMap((l, i) => (l ? [i] : [])));
  return { ...full, counts: pp.csrSubset(full.counts, keep, null), cells: Array.from(keep, (i) => full.cells[i]!), labels: Array.from(keep, (i) => labels[i]!) };
}

/**
 * Gene symbols, which marker databases use: the reader's symbol column when it found one (10x
 * gene_symbols, h5ad feature_name, …), else a 10x features file's second column, else the names.
 */
function geneSymbols(path: string, data: { genes: string[]; geneColumns?: Record<string, string[]>; geneNameColumn?: string }): string[] {
  const ids = data.genes;
  const named = data.geneNameColumn ? data.geneColumns?.[data.geneNameColumn] : undefined;
  if (named && named.length === ids.length) return named.map((n, i) => n || ids[i]!);
  for (const name of ["features.tsv.gz", "genes.tsv.gz", "features.tsv", "genes.tsv"]) {
    const file = join(path, name);
    if (!existsSync(file)) continue;
    const raw = readFileSync(file);
    const text = (name.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8");
    const symbolOf = new Map<string, string>();
    for (const line of text.split("\n")) {
      const [id, symbol] = line.split("\t");
      if (id && symbol) symbolOf.set(id, symbol);
    }
    return ids.map((id) => symbolOf.get(id) ?? id);
  }
  return ids;
}
