/** What one epoch of a trainer measured (every trainer reports these). */
export interface EpochStats {
  epoch: number;
  epochs: number;
  loss: number;
  instanceLoss: number;
  clusterLoss: number;
  /** The entropy penalty (log K − H of the mean assignment, summed over both views). */
  entropy: number;
  learningRate: number;
  /** Share of candidate negatives dropped by φ this epoch. */
  droppedShare: number;
  /** The `extraLoss` term (0 when the run has none), e.g. JojoSCL's SURE loss. */
  extraLoss: number;
  cellsPerSecond: number;
  seconds: number;
}

/** What a clustering method reports while it runs. */
export interface ClusterProgress {
  /** The step under way, e.g. "pca", "neighbors", "louvain", "train". */
  stage: string;
  /** Share of the whole method done, 0..1. */
  fraction: number;
  /** One line a person can read. */
  message?: string;
  /** For deep methods: the epoch just finished. */
  epoch?: EpochStats;
}

export type OnClusterProgress = (p: ClusterProgress) => void;
