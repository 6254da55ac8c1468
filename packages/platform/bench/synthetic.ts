/**
 * A synthetic dataset of any size for the per-cell benchmarks (and the web's `bench:scatter`):
 * counts of `nGenes` genes in `nCells` cells, ~7% non-zero as in 10x data after gene filtering, a
 * few "marker" genes high in one of 12 groups so colouring by them shows structure. Seeded.
 */
import { createRng, type pp } from "@scfnccl/engine";

export function syntheticCounts(nCells: number, nGenes = 2000, seed = 0): pp.CsrMatrix {
  const rng = createRng(seed);
  const density = 0.07;
  const indptr = new Float64Array(nCells + 1);
  const perCell = Math.round(nGenes * density);
  const indices = new Int32Array(nCells * perCell);
  const data = new Float32Array(nCells * perCell);
  let k = 0;
  for (let i = 0; i < nCells; i++) {
    const group = i % 12;
    // Genes picked by stepping a random stride, so each row's columns are sorted and distinct.
    let j = Math.floor(rng.next() * (nGenes / perCell));
    for (let t = 0; t < perCell && j < nGenes; t++) {
      indices[k] = j;
      data[k] = 1 + Math.floor(rng.next() * (j % 12 === group ? 20 : 3));
      k++;
      j += 1 + Math.floor(rng.next() * (2 * (nGenes / perCell) - 1));
    }
    indptr[i + 1] = k;
  }
  return { nRows: nCells, nCols: nGenes, indptr, indices: indices.subarray(0, k), data: data.subarray(0, k) };
}
