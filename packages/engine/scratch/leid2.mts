import { readDataset } from "../src/io/readDataset.ts";
import { seuratPca } from "../src/tl/seurat.ts";
import { neighbors } from "../src/tl/neighbors.ts";
import { snnGraph } from "../src/tl/snn.ts";
import { louvain } from "../src/tl/louvain.ts";
import { leiden } from "../src/tl/leiden.ts";
const data = await readDataset(`/work/shared/data/10X_PBMC_top2000.h5`);
const pre = seuratPca(data.counts, {});
const n = pre.keptCells.length;
const g = snnGraph(neighbors({ x: pre.pca.scores, nRows: n, nCols: 50 }, { nDims: 30 }));
for (const res of [1, 0.8, 0.3]) {
  let t = performance.now();
  const lv = louvain(g, { resolution: res, nStart: 1 });
  const t1 = (performance.now() - t) / 1000; t = performance.now();
  const ld = leiden(g, { resolution: res });
  console.log(res, "louvain", lv.count, lv.modularity.toFixed(4), t1.toFixed(2), "leiden", ld.count, ld.modularity.toFixed(4), ((performance.now() - t) / 1000).toFixed(2));
}
