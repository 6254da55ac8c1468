/**
 * The schema, assembled from one SDL file and one resolver map per domain. The SDL files are read
 * from beside this module (the API's build copies them next to the bundle).
 */
import { readFileSync } from "node:fs";
import { annotationResolvers } from "./annotation/resolvers.ts";
import { baseResolvers } from "./base/resolvers.ts";
import { cellTypeResolvers } from "./celltype/resolvers.ts";
import { clusterResolvers } from "./cluster/resolvers.ts";
import { datasetResolvers } from "./dataset/resolvers.ts";
import { runResolvers } from "./run/resolvers.ts";
import { teamResolvers } from "./team/resolvers.ts";

export const DOMAINS = ["base", "team", "dataset", "run", "cluster", "annotation", "celltype"] as const;

export function loadTypeDefs(dir: URL = new URL("./", import.meta.url)): string[] {
  return DOMAINS.map((d) => readFileSync(new URL(`${d}/schema.graphql`, dir), "utf8"));
}

const parts = [baseResolvers, teamResolvers, datasetResolvers, runResolvers, clusterResolvers, annotationResolvers, cellTypeResolvers] as Record<string, object>[];

/** Merges the domains' resolver maps type by type. */
export const resolvers: Record<string, object> = {};
for (const part of parts) {
  for (const [type, fields] of Object.entries(part)) {
    const existing = resolvers[type];
    // Scalars are class instances, not field maps: take them as they are.
    resolvers[type] = existing && !(fields instanceof Object && "serialize" in fields) ? { ...existing, ...fields } : fields;
  }
}
