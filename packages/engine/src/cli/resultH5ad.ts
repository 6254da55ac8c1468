/**
 * result.h5ad of a training run: the clustered cells' counts, their scFNCCL clusters (and the cluster
 * head's) as categoricals in obs beside the file's own labels, the gene ids and symbols in var, the
 * embedding in obsm, the run's parameters and scores in uns['scfnccl'], and every cluster's markers
 * in uns['rank_genes_groups'] as scanpy lays them out. scanpy/anndata and CELLxGENE open it as is.
 */
import { csrSubset } from "../pp/csr.ts";
import type { Dataset } from "../io/types.ts";
import { writeH5ad, type ObsColumn, type UnsValue } from "../io/writeH5ad.ts";
import { rankGenesGroupsUns } from "../io/rankGenesGroups.ts";
import { rankGenesOfCounts } from "../tl/rankGenes.ts";
import type { ClusterResult } from "../methods/cluster.ts";

/** The obs column name for the input's labels: the last part of labelKey ("obs/cell_type" → "cell_type"). */
export function labelColumnName(labelKey: string | undefined): string {
  const name = (labelKey ?? "labels").split(/[/:]/).at(-1) || "labels";
  return name === "scfnccl" || name === "scfnccl_head" ? `input_${name}` : name;
}

/** The method's clusters as obs[method] (and each further clustering as obs[method_name], e.g. scfnccl_head), its embedding as obsm[X_method]. */
export async function writeResultH5ad(path: string, data: Dataset, result: Pick<ClusterResult, "method" | "cells" | "clusters" | "extraClusters" | "embedding">, metrics: Record<string, unknown>): Promise<void> {
  const method = result.method;
  const cells = Array.from(result.cells);
  const obs: Record<string, ObsColumn> = { [method]: Array.from(result.clusters, String) };
  for (const [name, clusters] of Object.entries(result.extraClusters ?? {})) obs[`${method}_${name.replace(/^cluster_/, "")}`] = Array.from(clusters, String);
  if (data.labels) {
    const column = labelColumnName(data.labelKey);
    obs[column in obs ? `input_${column}` : column] = cells.map((c) => data.labels![c]!);
  }
  const { history: _history, ...parameters } = metrics;
  const uns: Record<string, UnsValue> = { [method]: JSON.parse(JSON.stringify(parameters)) as Record<string, UnsValue> };
  if (new Set(result.clusters).size > 1) {
    const groups = rankGenesOfCounts(data.counts, result.cells, result.clusters, { method: "wilcoxon" });
    uns["rank_genes_groups"] = rankGenesGroupsUns(data.genes, groups.map((g) => [String(g.group), g] as const), { groupby: method, method: "wilcoxon" });
  }
  await writeH5ad(path, {
    counts: csrSubset(data.counts, cells, null),
    cells: cells.map((c) => data.cells[c]!),
    genes: data.genes,
    obs,
    var: varColumns(data),
    ...(result.embedding ? { obsm: { [`X_${method}`]: { values: result.embedding.values, nCols: result.embedding.dim } } } : {}),
    uns,
  });
}

/** The reader's gene columns other than the ids themselves (which are var's index). */
export function varColumns(data: Pick<Dataset, "genes" | "geneColumns">): Record<string, ObsColumn> {
  const out: Record<string, ObsColumn> = {};
  for (const [name, values] of Object.entries(data.geneColumns ?? {})) {
    if (name === "var_names" || values === data.genes || values.every((v, j) => v === data.genes[j])) continue;
    out[name] = values;
  }
  return out;
}
