import type { MarkerGene } from "@scfnccl/db";
import { pp, tl, type io } from "@scfnccl/engine";

type Dataset = Awaited<ReturnType<typeof io.readDataset>>;

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One line per clustered cell: its name, its cluster and, for scFNCCL, the cluster head's argmax. */
export function clustersCsv(data: Dataset, r: { cells: Int32Array; clusters: Int32Array; headClusters?: Int32Array }): string {
  const head = r.headClusters;
  const lines = [head ? "cell,cluster,cluster_head" : "cell,cluster"];
  r.cells.forEach((cell, i) => lines.push(`${csvField(data.cells[cell]!)},${r.clusters[i]}${head ? `,${head[i]}` : ""}`));
  return `${lines.join("\n")}\n`;
}

export interface ClusterSummary {
  index: number;
  size: number;
  majorityLabel: string | null;
}

/** Size of every cluster 0..k-1 and, when the data has labels, the most common label in it. */
export function summariseClusters(data: Dataset, r: { cells: Int32Array; clusters: Int32Array; k: number }): ClusterSummary[] {
  const out: ClusterSummary[] = Array.from({ length: r.k }, (_, index) => ({ index, size: 0, majorityLabel: null }));
  const counts: Map<string, number>[] = Array.from({ length: r.k }, () => new Map());
  r.cells.forEach((cell, i) => {
    const c = r.clusters[i]!;
    out[c]!.size += 1;
    const label = data.labels?.[cell];
    if (label !== undefined) counts[c]!.set(label, (counts[c]!.get(label) ?? 0) + 1);
  });
  counts.forEach((m, c) => {
    let best: [string, number] | null = null;
    for (const entry of m) if (!best || entry[1] > best[1]) best = entry;
    out[c]!.majorityLabel = best?.[0] ?? null;
  });
  return out;
}

/** What any clustering method of the engine leaves for result analysis (tl.cluster's MethodOutput shape). */
export interface Clustering {
  /** Indices into the dataset's cells, in output order. */
  cells: Int32Array;
  clusters: Int32Array;
  k: number;
  /** Row-major [cells, dim]. */
  embedding: Float32Array;
  dim: number;
}

/** Marker genes kept per cluster (the web shows ~10; 50 leave room for a longer table). */
export const MARKERS_PER_CLUSTER = 50;

/**
 * Marker genes of every cluster against the rest (engine `tl.rankGenes`: Wilcoxon rank-sum with
 * tie correction, BH-adjusted) on the clustered cells' log-normalised counts (scanpy's recipe:
 * normalise to 1e4 per cell, log1p). Index c of the answer is cluster c (empty when the cluster has
 * no cells, or when one cluster holds every cell and there is no rest to compare with).
 */
export function computeMarkers(data: Dataset, c: Clustering, options: { top?: number; signal?: AbortSignal } = {}): MarkerGene[][] {
  const top = options.top ?? MARKERS_PER_CLUSTER;
  const out: MarkerGene[][] = Array.from({ length: c.k }, () => []);
  if (new Set(c.clusters).size < 2) return out;
  const x = pp.log1p(pp.normalizeTotal(pp.csrSubset(data.counts, c.cells, null), { targetSum: 1e4 }).matrix);
  for (const g of tl.rankGenes(x, c.clusters, { method: "wilcoxon", tieCorrect: true, signal: options.signal })) {
    const list: MarkerGene[] = [];
    for (const j of g.order.subarray(0, top)) {
      list.push({
        gene: data.genes[j]!,
        score: g.scores[j]!,
        logFoldChange: finite(g.logFoldChanges[j]!),
        pctIn: g.pctIn[j]!,
        pctOut: g.pctOut[j]!,
        pval: g.pvals[j]!,
        pvalAdj: g.pvalsAdj[j]!,
      });
    }
    out[g.group] = list;
  }
  return out;
}

// JSON has no Infinity; a gene seen only in the cluster gets the largest finite fold change instead.
const finite = (v: number) => (Number.isFinite(v) ? v : v > 0 ? Number.MAX_VALUE : v < 0 ? -Number.MAX_VALUE : 0);

export function markersCsv(markers: MarkerGene[][]): string {
  const lines = ["cluster,rank,gene,score,logfoldchange,pct_in,pct_out,pval,pval_adj"];
  markers.forEach((list, cluster) =>
    list.forEach((m, i) => lines.push([cluster, i + 1, csvField(m.gene), m.score, m.logFoldChange, m.pctIn, m.pctOut, m.pval, m.pvalAdj].join(","))),
  );
  return `${lines.join("\n")}\n`;
}

/** A seeded 2-D UMAP (engine `tl.umap`) of the clustering's embedding; row i is c.cells[i]. */
export async function computeUmap(c: Clustering, options: { seed: number; signal?: AbortSignal }): Promise<Float32Array> {
  const n = c.cells.length;
  // umap-js needs more rows than neighbours (and at least two); tiny runs use fewer neighbours.
  if (n < 3) return Float32Array.from({ length: n * 2 }, (_, i) => (i % 2 === 0 ? i / 2 : 0));
  // Above 20k cells the layout is fitted on a seeded sample and the rest placed by neighbours,
  // which keeps a 100k-cell run's UMAP to minutes on a CPU.
  const r = await tl.umap({ x: c.embedding, nRows: n, nCols: c.dim }, { seed: options.seed, nNeighbors: Math.min(15, n - 1), maxFitCells: 20000, signal: options.signal });
  return r.coords;
}

export interface CellsFileHeader {
  version: 1;
  n: number;
  nComponents: number;
  k: number;
  labelKey: string | null;
  labelNames: string[];
  arrays: Record<string, { offset: number; dtype: "float32" | "int32"; shape: number[] }>;
}

export interface CellsFile {
  header: CellsFileHeader;
  umap: Float32Array;
  cluster: Int32Array;
  cell: Int32Array;
  /** Index into header.labelNames per cell, -1 = missing; null without labels. */
  label: Int32Array | null;
}

/**
 * The per-cell results a browser plots, in one compact file (umap.bin): a uint32 header length, a
 * JSON header naming each array's offset, dtype and shape, then the arrays, 4-byte aligned, so a
 * client maps them with typed-array views and no parsing. Little-endian, as every platform we run.
 */
export function encodeCellsFile(data: Dataset, c: Clustering, umap: Float32Array): Uint8Array {
  const n = c.cells.length;
  let labelNames: string[] = [];
  let label: Int32Array | null = null;
  if (data.labels) {
    const index = new Map<string, number>();
    label = Int32Array.from(c.cells, (cell) => {
      const name = data.labels![cell]!;
      if (name === "") return -1;
      let i = index.get(name);
      if (i === undefined) index.set(name, (i = index.size));
      return i;
    });
    labelNames = [...index.keys()];
  }
  const parts: [string, Float32Array | Int32Array, number[]][] = [
    ["umap", umap, [n, 2]],
    ["cluster", c.clusters, [n]],
    ["cell", c.cells, [n]],
  ];
  if (label) parts.push(["label", label, [n]]);
  // The header's length depends on the offsets it holds; offsets are computed for a header padded
  // to a fixed size first, which is then checked to be big enough.
  const base = { version: 1 as const, n, nComponents: 2, k: c.k, labelKey: data.labels ? (data.labelKey ?? null) : null, labelNames };
  let headerSize = 256;
  for (;;) {
    const arrays: CellsFileHeader["arrays"] = {};
    let offset = 4 + headerSize;
    for (const [name, values, shape] of parts) {
      arrays[name] = { offset, dtype: values instanceof Float32Array ? "float32" : "int32", shape };
      offset += values.byteLength;
    }
    const json = Buffer.from(JSON.stringify({ ...base, arrays }));
    if (json.length > headerSize) {
      headerSize = Math.ceil(json.length / 4) * 4 + 64;
      continue;
    }
    const out = new Uint8Array(offset);
    new DataView(out.buffer).setUint32(0, headerSize, true);
    out.set(json, 4);
    out.fill(0x20, 4 + json.length, 4 + headerSize);
    for (const [name, values] of parts) out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), arrays[name]!.offset);
    return out;
  }
}

export function decodeCellsFile(bytes: Uint8Array): CellsFile {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerSize = view.getUint32(0, true);
  const header = JSON.parse(Buffer.from(bytes.subarray(4, 4 + headerSize)).toString("utf8")) as CellsFileHeader;
  // Copy each array out: the Buffer a download gives may not be 4-byte aligned.
  const array = <T extends Float32Array | Int32Array>(name: string, Ctor: { new (b: ArrayBuffer): T }): T | null => {
    const a = header.arrays[name];
    if (!a) return null;
    const len = a.shape.reduce((x, y) => x * y, 1) * 4;
    // (Buffer.slice is a view; copying through a new Uint8Array gives an own, aligned buffer.)
    return new Ctor(new Uint8Array(bytes.subarray(a.offset, a.offset + len)).buffer);
  };
  return { header, umap: array("umap", Float32Array)!, cluster: array("cluster", Int32Array)!, cell: array("cell", Int32Array)!, label: array("label", Int32Array) };
}
