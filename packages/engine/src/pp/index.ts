export * from "./csr.ts";
export { columnMeanVar, type ColumnMeanVar, type ColumnMeanVarOptions } from "./columnMeanVar.ts";
export { filterGenes, type FilterGenesOptions, type FilterResult } from "./filterGenes.ts";
export { filterCells, type FilterCellsOptions } from "./filterCells.ts";
export { normalizeTotal, type NormalizeTotalOptions, type NormalizeTotalResult } from "./normalizeTotal.ts";
export { log1p } from "./log1p.ts";
export { pandasCut } from "./pandasCut.ts";
export { loess, type LoessOptions } from "./loess.ts";
export {
  highlyVariableGenes,
  type HvgSeuratOptions,
  type HvgSeuratV3Options,
  type HvgSeuratResult,
  type HvgSeuratV3Result,
} from "./highlyVariableGenes.ts";
export { scale, scaleSparse, denseRows, rowRange, type ScaleOptions, type ScaleResult, type ScaledCsr, type RowMatrix } from "./scale.ts";
export { preprocess, type PreprocessOptions, type PreprocessResult } from "./preprocess.ts";
export { pca, type DenseMatrix, type PcaOptions, type PcaResult } from "./pca.ts";
