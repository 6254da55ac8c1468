/**
 * What the run page says a run is doing, from its status and the phase the worker reports
 * (loading → preprocessing → training → embedding → umap → markers → saving): each phase named,
 * with its share done where known, and the epoch and time left while it trains.
 */
import { fmtSeconds } from "./format";

export interface PhaseInput {
  status: "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED";
  phase?: string | null;
  phaseProgress?: number | null;
  epoch?: number | null;
  epochs?: number | null;
  etaSeconds?: number | null;
}

const NAMES: Record<string, string> = {
  loading: "Loading the data",
  preprocessing: "Preprocessing (normalise, variable genes, PCA)",
  training: "Training",
  embedding: "Embedding the cells and clustering",
  umap: "Computing the UMAP",
  markers: "Ranking marker genes",
  saving: "Saving the results",
};
export const PHASES = Object.keys(NAMES);

/** The label over the progress bar and the bar's value (0..1, null = indeterminate). */
export function describePhase(p: PhaseInput): { text: string; value: number | null } {
  if (p.status === "QUEUED") return { text: "Waiting for a worker…", value: 0 };
  if (p.status === "SUCCEEDED") return { text: "Done", value: 1 };
  if (p.status === "FAILED") return { text: "Failed", value: null };
  if (p.status === "CANCELLED") return { text: "Cancelled", value: null };
  const phase = p.phase?.toLowerCase() ?? (p.epoch ? "training" : null);
  if (!phase) return { text: "Starting…", value: null };
  const step = PHASES.indexOf(phase);
  const of = step >= 0 ? ` (step ${step + 1} of ${PHASES.length})` : "";
  if (phase === "training" && p.epoch && p.epochs) {
    const eta = p.etaSeconds && p.etaSeconds > 0 ? ` · about ${fmtSeconds(p.etaSeconds)} left` : "";
    return { text: `Training${of}: epoch ${p.epoch} of ${p.epochs}${eta}`, value: p.epoch / p.epochs };
  }
  const share = p.phaseProgress != null && p.phaseProgress > 0 && p.phaseProgress < 1 ? ` ${Math.round(p.phaseProgress * 100)}%` : "";
  return { text: `${NAMES[phase] ?? phase}${of}…${share}`, value: p.phaseProgress != null && p.phaseProgress > 0 ? Math.min(1, p.phaseProgress) : null };
}
