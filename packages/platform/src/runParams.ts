import { tl } from "@scfnccl/engine";
import { z } from "zod";

/**
 * Parameters a user may set on a run (the engine's option names). Bounds keep one run from
 * monopolising a worker by accident; defaults are the engine's.
 */
export const runParamsSchema = z
  .object({
    epochs: z.number().int().min(1).max(2000).optional(),
    k: z.number().int().min(2).max(500).optional(),
    batchSize: z.number().int().min(2).max(4096).optional(),
    learningRate: z.number().positive().max(10).optional(),
    temperature: z.number().positive().max(10).optional(),
    phi: z.number().min(-1).max(1).optional(),
    nTopGenes: z.number().int().min(10).max(50_000).optional(),
    /** Modularity resolution of the graph methods (seurat, leiden). */
    resolution: z.number().positive().max(10).optional(),
  })
  .strict();

export type RunParams = z.infer<typeof runParamsSchema>;

/** Every method of the engine's `tl.cluster` registry; the worker runs them all. */
export const METHODS = tl.CLUSTER_METHOD_NAMES as [tl.ClusterMethodName, ...tl.ClusterMethodName[]];
export type Method = tl.ClusterMethodName;

/** Settings of the methods that train a network (scfnccl and the contrastive methods after it). */
export const TRAINING_PARAMS = ["epochs", "batchSize", "learningRate", "temperature", "phi"] as const;

/**
 * The classical methods, which train nothing. Every other registry method is a network trained
 * in epochs; new deep methods keep being added to the registry, so the fixed set is this one.
 */
export const CLASSICAL_METHODS: readonly string[] = ["seurat", "leiden", "kmeans"];
export const methodTrains = (method: string) => !CLASSICAL_METHODS.includes(method);

/** Why `params` do not suit `method` (field and message), or null when they do. */
export function checkMethodParams(method: Method, params: RunParams): { field: string; message: string } | null {
  const m = tl.CLUSTER_METHODS[method];
  // The engine's list of the method's settings decides, so e.g. phi on sccl (which pins it) is refused here, at submission.
  const extra = TRAINING_PARAMS.find((p) => params[p] !== undefined && !(p in m.settings));
  if (extra) {
    const message = methodTrains(method) ? `method ${method} has no setting ${extra}` : `${extra} is a training setting; method ${method} does not train`;
    return { field: `params.${extra}`, message };
  }
  if (params.resolution !== undefined && !m.usesResolution) return { field: "params.resolution", message: `method ${method} has no resolution (graph methods: seurat, leiden)` };
  return null;
}
