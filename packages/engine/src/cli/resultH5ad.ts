/**
 * result.h5ad of a training run: the clustered cells' counts, their scFNCCL clusters (and the cluster
 * head's) as categoricals in obs beside the file's own labels, the embedding in obsm, and the run's
 * parameters and scores in uns['scfnccl']. scanpy/anndata and CELLxGENE open it as is.
 */
import { csrSubset } from "../pp/csr.ts";
import type { Dataset } from "../io/types.ts";
import { writeH5ad, type ObsColumn, type UnsValue } from "../io/writeH5ad.ts";
import type { ScfncclResult } from "../tl/scfnccl.ts";

/** The obs column name for the input's labels: the last part of labelKey ("obs/cell_type" → "cell_type"). */
export function labelColumnName(labelKey: string | undefined): string {
  const name = (labelKey ?? "labels").split(/[/:]/).at(-1) || "labels";
  return name === "scfnccl" || name === "scfnccl_head" ? `input_${name}` : name;
}

export async function writeResultH5ad(path: string, data: Dataset, result: ScfncclResult, metrics: Record<string, unknown>): Promise<void> {
  const cells = Array.from(result.cells);
  const obs: Record<string, ObsColumn> = {
    scfnccl: Array.from(result.clusters, String),
    scfnccl_head: Array.from(result.headClusters, String),
  };
  if (data.labels) obs[labelColumnName(data.labelKey)] = cells.map((c) => data.labels![c]!);
  const { history: _history, ...parameters } = metrics;
  await writeH5ad(path, {
    counts: csrSubset(data.counts, cells, null),
    cells: cells.map((c) => data.cells[c]!),
    genes: data.genes,
    obs,
    obsm: { X_scfnccl: { values: result.embedding, nCols: result.dim } },
    uns: { scfnccl: JSON.parse(JSON.stringify(parameters)) as Record<string, UnsValue> },
  });
}
