/**
 * The issue-2 figures (ACC/NMI/ARI) of the reference PyTorch program (its defaults, 200 epochs, seed 0)
 * and of R Seurat 4.3 (Debian; LogNormalize, 2000 vst genes, 50 PCs, SNN graph on 30, Louvain),
 * measured on this machine kind for the four benchmark datasets: one table for every benchmark that
 * prints them beside ours.
 */
export interface ReferenceFigures {
  /** The reference program at the epoch its labels pick (its own protocol). */
  labelPicked: number[];
  /** The reference program at its last epoch (label-free). */
  lastEpoch: number[];
  /** The reference program's training seconds per epoch. */
  seconds: number;
  /** R Seurat at resolution 0.8 (its default), and at the resolution giving the true number of types. */
  seurat08: number[];
  seuratK: number[];
}

export const REFERENCE_FIGURES: Record<string, ReferenceFigures> = {
  "10X_PBMC_top2000.h5": { labelPicked: [0.844, 0.785, 0.793], lastEpoch: [0.832, 0.782, 0.773], seconds: 3.1, seurat08: [0.643, 0.7, 0.566], seuratK: [0.789, 0.751, 0.723] },
  "mouse_bladder_cell_top2000.h5": { labelPicked: [0.611, 0.707, 0.673], lastEpoch: [0.582, 0.726, 0.495], seconds: 1.36, seurat08: [0.741, 0.792, 0.672], seuratK: [0.657, 0.772, 0.567] },
  "worm_neuron_cell.h5": { labelPicked: [0.31, 0.182, 0.122], lastEpoch: [0.31, 0.182, 0.122], seconds: 1.84, seurat08: [0.531, 0.705, 0.398], seuratK: [0.528, 0.565, 0.217] },
  "CITE_CBMC_counts_top2000.h5": { labelPicked: [0.636, 0.736, 0.528], lastEpoch: [0.608, 0.692, 0.464], seconds: 4.02, seurat08: [0.689, 0.782, 0.544], seuratK: [0.769, 0.846, 0.729] },
};
