/** Shapes of the QC metadata kept with a dataset (computed by the API at upload, with the engine). */
export interface Histogram {
  binEdges: number[];
  counts: number[];
}

export interface QcDistribution {
  min: number;
  max: number;
  mean: number;
  median: number;
  q1: number;
  q3: number;
  histogram: Histogram;
}

export interface DatasetQc {
  countsPerCell: QcDistribution;
  genesPerCell: QcDistribution;
}
