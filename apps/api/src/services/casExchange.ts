/**
 * A run's review leaving and entering the platform as a Cell Annotation Schema document, and what
 * its accepted labels add up to (composition; correspondence between two runs).
 */
import { buildCas, cellOntology, readCas, type CasDocument, type CasProposalInput } from "@scfnccl/annotation";
import { annotations, type ImportedReview, type Rows } from "@scfnccl/db";
import { readAll } from "@scfnccl/storage";
import { z } from "zod";
import type { RequestContext } from "../context.ts";
import { AppError, invalid } from "../errors.ts";
import { assertCan, requireViewer } from "./access.ts";
import { changeSubject, proposalSnapshot, subjectColumns, type Subject } from "./annotations.ts";
import { audit } from "./audit.ts";
import { createCellSet } from "./cellSets.ts";
import { parseInput } from "./auth.ts";
import { genesOf, requireCellType } from "./cellTypes.ts";
import { cellNamesFromCsv, readCellsFile, runArtifact } from "./results.ts";
import { getRun } from "./runs.ts";

type RunRow = Rows["run"];

const namesCache = new Map<string, Promise<string[]>>();

/** The run's cell names in its output order (clusters.csv), cached like the per-cell results. */
async function runCellNames(ctx: RequestContext, run: RunRow): Promise<string[]> {
  const artifact = await runArtifact(ctx, run, "clusters");
  const key = `${artifact.storageKey}:${artifact.checksum}`;
  let cached = namesCache.get(key);
  if (!cached) {
    cached = ctx.deps.store
      .get(artifact.storageKey)
      .then(readAll)
      .then((b) => cellNamesFromCsv(b.toString("utf8")));
    cached.catch(() => namesCache.delete(key));
    namesCache.set(key, cached);
    if (namesCache.size > 16) namesCache.delete(namesCache.keys().next().value!);
  }
  return cached;
}

/** The run's review as a CAS document: every proposal (on a cluster or a cell set) with its cells, evidence and reviews. */
export async function runCas(ctx: RequestContext, run: RunRow): Promise<CasDocument> {
  const viewer = requireViewer(ctx);
  const [cells, names, clusters, sets, proposals, dataset, me] = await Promise.all([
    readCellsFile(ctx, run),
    runCellNames(ctx, run),
    ctx.loaders.clustersByRun.load(run.id),
    ctx.loaders.cellSetsByRun.load(run.id),
    ctx.loaders.annotationsByRun.load(run.id),
    ctx.loaders.dataset.load(run.datasetId),
    ctx.loaders.user.load(viewer.userId),
  ]);
  const cellIds = new Map<number, string[]>();
  cells.cluster.forEach((c, i) => {
    const list = cellIds.get(c);
    const name = names[i] ?? String(cells.cell[i]);
    if (list) list.push(name);
    else cellIds.set(c, [name]);
  });
  const person = async (userId: string) => {
    const u = await ctx.loaders.user.load(userId);
    return { name: u?.name ?? "unknown", email: u?.email ?? "unknown@invalid" };
  };
  const accepted = new Set([...clusters, ...sets].map((c) => c.acceptedProposalId).filter(Boolean));
  const setById = new Map(sets.map((s) => [s.id, s]));
  const nameAt = (position: number) => names[position] ?? String(cells.cell[position]);
  const ontology = cellOntology();
  const input: CasProposalInput[] = [];
  for (const p of proposals) {
    const votes = await ctx.loaders.votesByAnnotation.load(p.id);
    const author = p.importedAuthor ? parsePerson(p.importedAuthor) : await person(p.authorId);
    const set = p.cellSetId ? setById.get(p.cellSetId) : undefined;
    if (p.cellSetId && !set) continue;
    input.push({
      proposalId: p.id,
      target: set ? { cellSet: set.name } : { cluster: p.clusterIndex },
      cellIds: set ? set.cells.map(nameAt) : (cellIds.get(p.clusterIndex) ?? []),
      label: p.cellType,
      ontologyId: p.ontologyId,
      ontologyLabel: p.ontologyId ? (ontology.get(p.ontologyId)?.label ?? null) : null,
      markerGenes: p.markerGenes,
      evidence: p.evidence,
      author,
      createdAt: p.createdAt,
      accepted: accepted.has(p.id),
      reviews: [
        ...(await Promise.all(
          votes.map(async (v) => ({ reviewer: await person(v.userId), verdict: v.value > 0 ? ("Agree" as const) : ("Disagree" as const), explanation: v.reason, at: v.createdAt })),
        )),
        ...p.importedReviews.map((r) => ({ reviewer: parsePerson(r.reviewer ?? "unknown"), verdict: r.verdict, explanation: r.explanation, at: new Date(r.at) })),
      ],
      automated: p.automated
        ? {
            algorithmName: String(p.automated["algorithmName"] ?? p.automated["algorithm_name"] ?? "unknown"),
            algorithmVersion: String(p.automated["algorithmVersion"] ?? p.automated["algorithm_version"] ?? "unknown"),
            algorithmRepoUrl: String(p.automated["algorithmRepoUrl"] ?? p.automated["algorithm_repo_url"] ?? ""),
            details: Object.fromEntries(Object.entries(p.automated).filter(([k]) => !/^algorithm(Name|Version|RepoUrl|_name|_version|_repo_url)$/.test(k))),
          }
        : null,
    });
  }
  return buildCas({
    title: `${dataset?.name ?? "dataset"}: run ${run.id} (${run.method}, seed ${run.seed})`,
    description: "Cell-type review exported from the scFNCCL platform: labelset 'accepted' holds each cluster's accepted label, 'proposed' every other proposal.",
    author: { name: me?.name ?? "unknown", email: me?.email ?? "unknown@invalid" },
    ...(dataset ? { matrixFileId: `sha256:${dataset.checksum}` } : {}),
    at: new Date(),
    proposals: input,
  });
}

/** "Name <email>" back into its parts (an email alone names itself). */
function parsePerson(s: string): { name: string; email: string } {
  const m = /^(.*?)\s*<([^<>]+)>\s*$/.exec(s);
  if (m) return { name: m[1] || m[2]!, email: m[2]! };
  return { name: s, email: s.includes("@") ? s : "unknown@invalid" };
}

export interface CasImportEntryModel {
  index: number;
  label: string;
  clusterIndex: number | null;
  /** For an annotation of a cell set: the run's set of that name (found, or made from the annotation's cells). */
  cellSetId: string | null;
  imported: boolean;
  reason: string | null;
  proposal: Rows["annotation"] | null;
  votes: number;
  comments: number;
}

const importInput = z.object({ runId: z.string(), document: z.unknown() });
const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;

/**
 * Imports a CAS document onto a run: each annotation becomes a proposal (source `import`, the
 * document's author and reviews kept as written) on the cluster holding most of its cells, when
 * that cluster holds at least half of them; annotations of labelset `accepted` are accepted where
 * the cluster has no accepted label yet. An annotation of a cell set (one this platform exported)
 * goes to the run's cell set of that name with the same cells, which is made when the run has none. Ids must be current CL terms; marker genes the dataset
 * lacks are dropped and named in the entry's reason. Every annotation gets an entry saying what
 * happened.
 */
export async function importCas(ctx: RequestContext, raw: unknown): Promise<{ run: RunRow; entries: CasImportEntryModel[] }> {
  const viewer = requireViewer(ctx);
  const input = parseInput(importInput, raw);
  const run = await getRun(ctx, input.runId);
  await assertCan(ctx, run.teamId, "write", "run");
  if (JSON.stringify(input.document ?? null).length > MAX_DOCUMENT_BYTES) throw invalid(`the document is larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB`, "document");
  const { annotations: list, errors } = readCas(input.document);
  if (errors.length) throw invalid(`not a valid Cell Annotation Schema document: ${errors.slice(0, 3).join("; ")}${errors.length > 3 ? ` (and ${errors.length - 3} more)` : ""}`, "document");
  const [cells, names, dataset] = await Promise.all([readCellsFile(ctx, run), runCellNames(ctx, run), ctx.loaders.dataset.load(run.datasetId)]);
  const clusterOf = new Map<string, number>();
  const positionOf = new Map<string, number>();
  names.forEach((n, i) => {
    clusterOf.set(n, cells.cluster[i]!);
    positionOf.set(n, i);
  });
  const knownGenes = dataset ? (await genesOf(ctx, dataset)).known : new Set<string>();
  const entries: CasImportEntryModel[] = [];
  for (const a of list) {
    const entry: CasImportEntryModel = { index: a.index, label: a.label, clusterIndex: null, cellSetId: null, imported: false, reason: null, proposal: null, votes: 0, comments: 0 };
    entries.push(entry);
    let subject: Subject;
    let acceptedAlready: string | null;
    if (a.cellSet) {
      const positions = [...new Set(a.cellIds.flatMap((id) => (positionOf.has(id) ? [positionOf.get(id)!] : [])))].sort((x, y) => x - y);
      if (!positions.length) {
        entry.reason = a.cellIds.length ? `none of the cell set's ${a.cellIds.length} cells is a cell of this run` : "it lists no cell_ids";
        continue;
      }
      let set = (await ctx.loaders.cellSetsByRun.load(run.id)).find((x) => x.name === a.cellSet);
      if (set && (set.cells.length !== positions.length || set.cells.some((c, i) => c !== positions[i]))) {
        entry.reason = `the run already has a cell set named '${a.cellSet}' with other cells`;
        continue;
      }
      if (!set) {
        try {
          set = await createCellSet(ctx, run.id, a.cellSet, positions);
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          entry.reason = `cell set '${a.cellSet}': ${err.message}`;
          continue;
        }
      }
      entry.cellSetId = set.id;
      subject = { kind: "cellSet", id: set.id };
      acceptedAlready = set.acceptedProposalId;
    } else {
      const counts = new Map<number, number>();
      for (const id of a.cellIds) {
        const c = clusterOf.get(id);
        if (c === undefined) continue;
        counts.set(c, (counts.get(c) ?? 0) + 1);
      }
      const best = [...counts].sort((x, y) => y[1] - x[1] || x[0] - y[0])[0];
      if (!best) {
        entry.reason = a.cellIds.length ? `none of its ${a.cellIds.length} cells is a cell of this run` : "it lists no cell_ids";
        continue;
      }
      entry.clusterIndex = best[0];
      if (best[1] * 2 < a.cellIds.length) {
        entry.reason = `its cells are spread over clusters: the most, ${best[1]} of ${a.cellIds.length}, lie in cluster ${best[0]}`;
        continue;
      }
      subject = { kind: "cluster", index: best[0] };
      acceptedAlready = (await ctx.loaders.clustersByRun.load(run.id)).find((c) => c.index === best[0])?.acceptedProposalId ?? null;
    }
    let ontologyId: string | null = null;
    if (a.ontologyId) {
      try {
        ontologyId = requireCellType(a.ontologyId).id;
      } catch (err) {
        entry.reason = (err as Error).message;
        continue;
      }
    }
    const label = a.label.trim().slice(0, 200);
    if (!label) {
      entry.reason = "its cell_label is empty";
      continue;
    }
    const markerGenes = [...new Set(a.markerGenes)].slice(0, 50);
    const unknown = markerGenes.filter((g) => !knownGenes.has(g));
    const importedReviews: ImportedReview[] = a.reviews.map((r) => ({ reviewer: r.reviewer, verdict: r.verdict, explanation: r.explanation, at: r.at.toISOString() }));
    const accept = a.accepted && !acceptedAlready;
    const { result } = await changeSubject(ctx, run, subject, null, async (tx) => {
      const [p] = await tx
        .insert(annotations)
        .values({
          runId: run.id,
          ...subjectColumns(subject),
          cellType: label,
          ontologyId,
          evidence: a.evidence ? a.evidence.slice(0, 5000) : null,
          markerGenes: markerGenes.filter((g) => knownGenes.has(g)),
          source: "import",
          automated: a.automated ? { ...a.automated } : null,
          importedAuthor: a.author,
          importedReviews,
          authorId: viewer.userId,
        })
        .returning();
      return {
        action: "cas.import",
        proposalId: p!.id,
        before: { proposal: null },
        after: { proposal: proposalSnapshot(p!), importedAuthor: a.author, reviews: importedReviews.length, accepted: accept },
        result: p!,
        accepted: accept ? p!.id : undefined,
      };
    });
    entry.imported = true;
    entry.proposal = result;
    entry.comments = 0;
    entry.votes = 0;
    const notes = [
      unknown.length ? `marker genes not in this dataset left out: ${unknown.join(", ")}` : null,
      a.accepted && !accept ? `accepted in the document, kept as a proposal: the ${subject.kind === "cluster" ? "cluster" : "cell set"} already has an accepted label` : null,
    ].filter(Boolean);
    entry.reason = notes.length ? notes.join("; ") : null;
  }
  await audit(ctx.deps.db.db, {
    teamId: run.teamId,
    actorId: viewer.userId,
    action: "cas.import",
    targetType: "run",
    targetId: run.id,
    data: { annotations: list.length, imported: entries.filter((e) => e.imported).length },
  });
  return { run, entries };
}

/** Accepted label (and id) per cluster index of a run. */
async function acceptedByCluster(ctx: RequestContext, runId: string): Promise<Map<number, { label: string; ontologyId: string | null }>> {
  const [clusters, proposals] = await Promise.all([ctx.loaders.clustersByRun.load(runId), ctx.loaders.annotationsByRun.load(runId)]);
  const out = new Map<number, { label: string; ontologyId: string | null }>();
  for (const c of clusters) {
    const p = c.acceptedProposalId ? proposals.find((x) => x.id === c.acceptedProposalId) : undefined;
    if (p) out.set(c.index, { label: p.cellType, ontologyId: p.ontologyId });
  }
  return out;
}

/** Cells per accepted label of a run, largest first; clusters without one under label null. */
export async function runComposition(ctx: RequestContext, run: RunRow) {
  const [cells, accepted] = await Promise.all([readCellsFile(ctx, run), acceptedByCluster(ctx, run.id)]);
  const byKey = new Map<string, { label: string | null; ontologyId: string | null; cells: number; clusters: Set<number> }>();
  cells.cluster.forEach((c) => {
    const a = accepted.get(c);
    const key = a ? `${a.label}\u0000${a.ontologyId ?? ""}` : "\u0000none";
    let e = byKey.get(key);
    if (!e) byKey.set(key, (e = { label: a?.label ?? null, ontologyId: a?.ontologyId ?? null, cells: 0, clusters: new Set() }));
    e.cells++;
    e.clusters.add(c);
  });
  const n = cells.cluster.length || 1;
  return [...byKey.values()]
    .map((e) => ({ label: e.label, ontologyId: e.ontologyId, cells: e.cells, fraction: e.cells / n, clusters: [...e.clusters].sort((a, b) => a - b) }))
    .sort((a, b) => Number(a.label === null) - Number(b.label === null) || b.cells - a.cells);
}

export interface LabelCorrespondenceModel {
  runA: RunRow;
  runB: RunRow;
  sharedCells: number;
  labelsA: (string | null)[];
  labelsB: (string | null)[];
  counts: number[][];
}

/** Shared cells of two runs of one dataset, counted per pair of accepted labels. */
export async function labelCorrespondence(ctx: RequestContext, aId: string, bId: string): Promise<LabelCorrespondenceModel> {
  const [runA, runB] = await Promise.all([getRun(ctx, aId), getRun(ctx, bId)]);
  if (runA.datasetId !== runB.datasetId) throw invalid("the runs are of different datasets; labels correspond through shared cells", "runB");
  const [ca, cb, la, lb] = await Promise.all([readCellsFile(ctx, runA), readCellsFile(ctx, runB), acceptedByCluster(ctx, runA.id), acceptedByCluster(ctx, runB.id)]);
  const labelOf = (m: Map<number, { label: string }>, c: number) => m.get(c)?.label ?? null;
  const aOfCell = new Map<number, string | null>();
  ca.cell.forEach((cell, i) => aOfCell.set(cell, labelOf(la, ca.cluster[i]!)));
  const pairs = new Map<string, number>();
  const labelsA = new Map<string | null, number>();
  const labelsB = new Map<string | null, number>();
  let shared = 0;
  cb.cell.forEach((cell, i) => {
    if (!aOfCell.has(cell)) return;
    const a = aOfCell.get(cell)!;
    const b = labelOf(lb, cb.cluster[i]!);
    shared++;
    labelsA.set(a, (labelsA.get(a) ?? 0) + 1);
    labelsB.set(b, (labelsB.get(b) ?? 0) + 1);
    const key = JSON.stringify([a, b]);
    pairs.set(key, (pairs.get(key) ?? 0) + 1);
  });
  // Labelled rows and columns by size, "no accepted label" last.
  const order = (m: Map<string | null, number>) => [...m].sort((x, y) => Number(x[0] === null) - Number(y[0] === null) || y[1] - x[1]).map(([l]) => l);
  const rowsA = order(labelsA);
  const colsB = order(labelsB);
  const counts = rowsA.map((a) => colsB.map((b) => pairs.get(JSON.stringify([a, b])) ?? 0));
  return { runA, runB, sharedCells: shared, labelsA: rowsA, labelsB: colsB, counts };
}
