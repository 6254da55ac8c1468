import type { EpochStats } from "./train.ts";

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
