/**
 * The annotated result of a run as a download: h5ad (engine `io.writeH5ad`; the clustered cells'
 * counts, clusters and accepted cell-type labels in obs, UMAP and embedding in obsm) or CSV.
 * Accepted labels are read at the time of the download, so an export is always the current state.
 *
 * Cell sets with an accepted label get one obs column each, `cell_set_<name>` (the name with every
 * run of characters other than letters, digits and `_` made one `_`): the set's accepted label for
 * its cells, missing (NA in pandas; empty in the CSV) for every other cell. One column per set,
 * not one column of set labels, because sets may overlap (a lasso inside a cluster that is also in
 * another set): one column could not say both. `uns['scfnccl_annotation']['cell_sets']` lists each
 * set's name, column, label and Cell Ontology id.
 */
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { datasets, eq } from "@scfnccl/db";
import { io, pp } from "@scfnccl/engine";
import { readAll } from "@scfnccl/storage";
import type { RequestContext } from "../context.ts";
import { notFound } from "../errors.ts";
import { runCas } from "./casExchange.ts";
import { cellNamesFromCsv, readCellsFile, runArtifact } from "./results.ts";
import { getRun } from "./runs.ts";
import { geneNames } from "./cellData.ts";
import { readRankGenes } from "./markers.ts";
import { createTempDir } from "@scfnccl/platform";

/** The reader's gene columns beside the ids (var's index), e.g. gene_symbols. */
function varColumnsOf(data: { genes: string[]; geneColumns?: Record<string, string[]> }): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(data.geneColumns ?? {})) if (name !== "var_names" && values !== data.genes) out[name] = values;
  return out;
}

export type ExportFormat = "h5ad" | "csv";

/** Accepted label and ontology id per cluster index ("" where none). */
async function acceptedLabels(ctx: RequestContext, runId: string, k: number) {
  const clusters = await ctx.loaders.clustersByRun.load(runId);
  const proposals = await ctx.loaders.annotationsByRun.load(runId);
  const label = new Array<string>(k).fill("");
  const ontology = new Array<string>(k).fill("");
  for (const c of clusters) {
    const p = c.acceptedProposalId ? proposals.find((x) => x.id === c.acceptedProposalId) : undefined;
    if (p && c.index < k) {
      label[c.index] = p.cellType;
      ontology[c.index] = p.ontologyId ?? "";
    }
  }
  return { label, ontology };
}

/** The obs column of each cell set with an accepted label, with that label on its cells ("" elsewhere). */
async function acceptedCellSets(ctx: RequestContext, runId: string, n: number, taken: readonly string[]) {
  const [sets, proposals] = await Promise.all([ctx.loaders.cellSetsByRun.load(runId), ctx.loaders.annotationsByRun.load(runId)]);
  const used = new Set(taken);
  const out: { name: string; column: string; label: string; ontologyId: string; values: string[] }[] = [];
  for (const set of sets) {
    const p = set.acceptedProposalId ? proposals.find((x) => x.id === set.acceptedProposalId) : undefined;
    if (!p) continue;
    const base = `cell_set_${set.name.replace(/\W+/g, "_").replace(/^_+|_+$/g, "") || "unnamed"}`;
    let column = base;
    for (let i = 2; used.has(column); i++) column = `${base}_${i}`;
    used.add(column);
    const values = new Array<string>(n).fill("");
    for (const c of set.cells) if (c < n) values[c] = p.cellType;
    out.push({ name: set.name, column, label: p.cellType, ontologyId: p.ontologyId ?? "", values });
  }
  return out;
}

const { csvField } = io;

/** Writes the export of `runIdRaw` to a temp file; the caller streams it and calls `cleanup`. */
export async function exportRun(ctx: RequestContext, runIdRaw: string, format: ExportFormat): Promise<{ path: string; fileName: string; contentType: string; cleanup: () => Promise<void> }> {
  const run = await getRun(ctx, runIdRaw);
  const cellsFile = await readCellsFile(ctx, run);
  const { n, k, labelKey, labelNames } = cellsFile.header;
  const { label, ontology } = await acceptedLabels(ctx, run.id, k);
  const dir = await createTempDir("export");
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const clustersArtifact = await runArtifact(ctx, run, "clusters");
    const names = cellNamesFromCsv((await readAll(await ctx.deps.store.get(clustersArtifact.storageKey))).toString("utf8"));
    const labelColumn = (labelKey ?? "labels").split(/[/:]/).at(-1) || "labels";
    const inputLabels = cellsFile.label ? Array.from(cellsFile.label, (l) => (l >= 0 ? labelNames[l]! : "")) : null;
    const base = `run-${run.id}`;
    const inputColumn = ["cluster", "cell_type", "cell_ontology_id"].includes(labelColumn) ? `input_${labelColumn}` : labelColumn;
    const sets = await acceptedCellSets(ctx, run.id, n, ["cluster", "cell_type", "cell_ontology_id", ...(inputLabels ? [inputColumn] : [])]);
    if (format === "csv") {
      const path = join(dir, `${base}.csv`);
      const out = createWriteStream(path);
      const extra = (inputLabels ? `,${csvField(labelColumn === "cell_type" ? "input_cell_type" : labelColumn)}` : "") + sets.map((s) => `,${csvField(s.column)}`).join("");
      out.write(`cell,cluster,cell_type,cell_ontology_id,umap_1,umap_2${extra}\n`);
      for (let i = 0; i < n; i++) {
        const c = cellsFile.cluster[i]!;
        const row = [csvField(names[i] ?? String(cellsFile.cell[i])), c, csvField(label[c]!), ontology[c], cellsFile.umap[2 * i], cellsFile.umap[2 * i + 1]].join(",");
        const more = (inputLabels ? `,${csvField(inputLabels[i]!)}` : "") + sets.map((s) => `,${csvField(s.values[i]!)}`).join("");
        if (!out.write(`${row}${more}\n`)) await new Promise<void>((r) => out.once("drain", () => r()));
      }
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
      return { path, fileName: `${base}.csv`, contentType: "text/csv; charset=utf-8", cleanup };
    }
    const [dataset] = await ctx.deps.db.db.select().from(datasets).where(eq(datasets.id, run.datasetId));
    if (!dataset) throw notFound("dataset");
    const input = join(dir, dataset.name.replace(/[^\w.-]+/g, "_") || "dataset");
    await pipeline(await ctx.deps.store.get(dataset.storageKey), createWriteStream(input));
    const data = await io.readDataset(input);
    const embeddingArtifact = await runArtifact(ctx, run, "embedding");
    const npy = io.decodeNpy(new Uint8Array(await readAll(await ctx.deps.store.get(embeddingArtifact.storageKey))));
    const obs: Record<string, io.ObsColumn> = {
      cluster: Array.from(cellsFile.cluster, String),
      cell_type: Array.from(cellsFile.cluster, (c) => label[c]!),
      cell_ontology_id: Array.from(cellsFile.cluster, (c) => ontology[c]!),
    };
    if (inputLabels) obs[inputColumn] = inputLabels;
    for (const s of sets) obs[s.column] = s.values;
    const path = join(dir, `${base}.h5ad`);
    // Markers in scanpy's layout, so sc.get.rank_genes_groups_df reads the export as its own.
    const rank = await readRankGenes(ctx, run);
    const rankUns: Record<string, io.UnsValue> = rank ? { rank_genes_groups: io.rankGenesGroupsUns(data.genes, rank.groups.map((g) => [String(g.group), g] as const), { groupby: "cluster", method: rank.method }) } : {};
    const { names: geneDisplay } = await geneNames(ctx, dataset);
    await io.writeH5ad(path, {
      counts: pp.csrSubset(data.counts, cellsFile.cell, null),
      cells: Array.from(cellsFile.cell, (c) => data.cells[c]!),
      genes: data.genes,
      obs,
      var: { ...varColumnsOf(data), ...(dataset.geneNameColumn ? { gene_name: geneDisplay } : {}) },
      obsm: {
        X_umap: { values: cellsFile.umap, nCols: 2 },
        X_embedding: { values: Float32Array.from(npy.values), nCols: npy.shape[1] ?? 1 },
      },
      uns: {
        scfnccl_annotation: {
          run_id: run.id,
          dataset: dataset.name,
          method: run.method,
          seed: run.seed,
          exported_at: new Date().toISOString(),
          cluster_cell_types: label,
          cluster_ontology_ids: ontology,
          cell_sets: Object.fromEntries(sets.map((s) => [s.column, { name: s.name, label: s.label, ontology_id: s.ontologyId }])),
        },
        // Where CAS's own AnnData tools (cas-tools) keep the document: one JSON string in uns['cas'].
        cas: JSON.stringify(await runCas(ctx, run)),
        ...rankUns,
      },
    });
    await rm(input, { force: true });
    return { path, fileName: `${base}.h5ad`, contentType: "application/x-hdf5", cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
