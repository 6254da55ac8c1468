import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { and, datasets, eq, inArray, runs, type DatasetQc, type Rows } from "@scfnccl/db";
import { InputError, io } from "@scfnccl/engine";
import type { RequestContext } from "../context.ts";
import { hasControlCharacter } from "../inputs.ts";
import { AppError, conflict, invalid, notFound } from "../errors.ts";
import { assertCan, checkId, requireViewer } from "./access.ts";
import { audit } from "./audit.ts";
import { organismAtUpload } from "./cellTypes.ts";
import { datasetQc } from "./qc.ts";
import { datasetNames, forgetDerived, storeDerived } from "./cellData.ts";
import { createTempDir, datasetKeys, displayNames, geneTableOf, type DatasetNames } from "@scfnccl/platform";
import { keyset, pageSize, toConnection, type PageArgs } from "./pagination.ts";

export async function getDataset(ctx: RequestContext, idRaw: string) {
  const dataset = await ctx.loaders.dataset.load(checkId(idRaw, "dataset"));
  if (!dataset) throw notFound("dataset");
  await assertCan(ctx, dataset.teamId, "read", "dataset");
  return dataset;
}

export async function listDatasets(ctx: RequestContext, teamId: string, args: PageArgs) {
  await assertCan(ctx, teamId, "read", "team");
  const limit = pageSize(args);
  const { where, orderBy } = keyset(datasets, args);
  const rows = await ctx.deps.db.db
    .select()
    .from(datasets)
    .where(and(eq(datasets.teamId, teamId), where))
    .orderBy(...orderBy)
    .limit(limit + 1);
  for (const r of rows) ctx.loaders.dataset.prime(r.id, r);
  return toConnection(rows, limit);
}

export function validateDatasetName(raw: string | null | undefined): string {
  const name = (raw ?? "").trim();
  // "." and ".." name folders, not files; control characters break logs, CSV and file systems.
  if (!name || name.length > 200 || /[/\\\t\n\r]/.test(name) || hasControlCharacter(name) || /^\.+$/.test(name))
    throw invalid("dataset name must be 1-200 characters without slashes or control characters, and not . or ..", "name");
  return name;
}

/**
 * Admits an uploaded file: the engine's reader must accept it (else INVALID_DATASET and nothing is
 * stored), then the bytes go to object storage and the metadata to the database.
 */
export async function ingestDataset(ctx: RequestContext, input: { teamId: string; name: string; path: string; sha256: string; sizeBytes: number; organism?: string | null; allowDuplicate?: boolean }) {
  const viewer = requireViewer(ctx);
  const teamId = checkId(input.teamId, "team");
  await assertCan(ctx, teamId, "write", "team");
  const name = validateDatasetName(input.name);
  // Checked before the file is read: a typo here should not cost a parse.
  if (input.organism) organismAtUpload(input.organism, []);
  // The same bytes again: say so and offer the existing dataset instead of a silent copy.
  if (!input.allowDuplicate) {
    const [same] = await ctx.deps.db.db
      .select({ id: datasets.id, name: datasets.name })
      .from(datasets)
      .where(and(eq(datasets.teamId, teamId), eq(datasets.checksum, input.sha256)))
      .limit(1);
    if (same) throw new DuplicateDatasetError(same);
  }
  let data;
  let format: string;
  try {
    data = await io.readDataset(input.path);
    // The reader accepted it, so the layout is one it knows (e.g. `scdeepcluster`).
    const detected = await io.detectFormat(input.path);
    format = detected.kind === "hdf5" ? `${(await io.detectHdf5Layout(input.path)).kind}-h5` : detected.kind;
  } catch (err) {
    if (err instanceof InputError) throw new AppError("INVALID_DATASET", `${name}: ${err.problem}`);
    throw err;
  }
  // Every method normalises by each cell's total: a matrix of zeros reads fine but every run on it
  // fails later, so it is refused here, where the user can still fix the file.
  if (!data.counts.data.some((v) => v !== 0)) throw new AppError("INVALID_DATASET", `${name}: every count is zero (${data.counts.nRows} cells × ${data.counts.nCols} genes); upload the raw counts`);
  const organism = organismAtUpload(input.organism, displayNames(geneTableOf(data)));
  const id = randomUUID();
  const key = `datasets/${id}/${name.replace(/[^\w.-]+/g, "_")}`;
  const names = await storeDerived(ctx.deps.store, id, data);
  const put = await ctx.deps.store.put(key, createReadStream(input.path), { contentType: "application/octet-stream" });
  if (put.sha256 !== input.sha256) {
    await ctx.deps.store.delete(key);
    throw new Error("upload changed while being stored");
  }
  try {
    const [row] = await ctx.deps.db.db
      .insert(datasets)
      .values({
        id,
        teamId,
        name,
        format,
        cells: data.counts.nRows,
        genes: data.counts.nCols,
        labelColumns: data.labelKey && data.labels ? [data.labelKey] : [],
        geneColumns: Object.keys(names.genes.columns),
        geneNameColumn: names.genes.nameColumn,
        checksum: put.sha256,
        sizeBytes: put.sizeBytes,
        storageKey: key,
        qc: datasetQc(data.counts),
        organism,
        uploaderId: viewer.userId,
      })
      .returning();
    await audit(ctx.deps.db.db, { teamId, actorId: viewer.userId, action: "dataset.upload", targetType: "dataset", targetId: id, data: { name, sizeBytes: put.sizeBytes, organism, organismSaid: Boolean(input.organism) } });
    return row!;
  } catch (err) {
    for (const k of [key, ...Object.values(datasetKeys).map((f) => f(id))]) await ctx.deps.store.delete(k);
    throw err;
  }
}

/** The upload's bytes match a dataset the team already has (same SHA-256). */
export class DuplicateDatasetError extends AppError {
  constructor(readonly existing: { id: string; name: string }) {
    super("CONFLICT", `this file is already the team's dataset '${existing.name}' (same SHA-256); open it, or upload again with allowDuplicate=true for a second copy`, "file");
  }
}

/** Deletes a dataset, its runs and every stored object of them (the uploader or an owner). */
export async function deleteDataset(ctx: RequestContext, idRaw: string): Promise<string> {
  const dataset = await getDataset(ctx, idRaw);
  const viewer = requireViewer(ctx);
  await assertCan(ctx, dataset.teamId, dataset.uploaderId === viewer.userId ? "write" : "manage", "dataset");
  const db = ctx.deps.db.db;
  const its = await db.select({ id: runs.id, status: runs.status }).from(runs).where(eq(runs.datasetId, dataset.id));
  if (its.some((r) => r.status === "queued" || r.status === "running")) throw conflict("the dataset has queued or running runs; cancel them first");
  await db.transaction(async (tx) => {
    if (its.length)
      await tx.delete(runs).where(
        inArray(
          runs.id,
          its.map((r) => r.id),
        ),
      );
    await tx.delete(datasets).where(eq(datasets.id, dataset.id));
    await audit(tx, { teamId: dataset.teamId, actorId: viewer.userId, action: "dataset.delete", targetType: "dataset", targetId: dataset.id });
  });
  // Objects go after the rows: a failure here leaves unreferenced bytes, never rows without bytes.
  forgetDerived(dataset.id);
  const own = await ctx.deps.store.list(`datasets/${dataset.id}/`);
  for (const key of [...new Set([dataset.storageKey, ...own]), ...(await Promise.all(its.map((r) => ctx.deps.store.list(`runs/${r.id}/`)))).flat()]) {
    await ctx.deps.store.delete(key).catch((err: unknown) => ctx.log.warn({ err, key }, "could not delete object"));
  }
  return dataset.id;
}

// One computation per dataset at a time, however many requests ask.
const qcInFlight = new Map<string, Promise<DatasetQc | null>>();

/**
 * The dataset's QC; a dataset uploaded before QC existed gets it computed from its stored file once
 * (engine reader, same figures as at upload) and saved, so old data dirs need no migration step.
 */
export async function datasetQcOf(ctx: RequestContext, dataset: Rows["dataset"]): Promise<DatasetQc | null> {
  await assertCan(ctx, dataset.teamId, "read", "dataset");
  if (dataset.qc) return dataset.qc;
  let pending = qcInFlight.get(dataset.id);
  if (!pending) {
    pending = (async () => {
      const dir = await createTempDir("qc");
      try {
        const path = join(dir, dataset.name.replace(/[^\w.-]+/g, "_") || "dataset");
        await pipeline(await ctx.deps.store.get(dataset.storageKey), createWriteStream(path));
        const qc = datasetQc((await io.readDataset(path)).counts);
        await ctx.deps.db.db.update(datasets).set({ qc }).where(eq(datasets.id, dataset.id));
        return qc;
      } catch (err) {
        ctx.log.warn({ err, datasetId: dataset.id }, "could not compute the dataset's QC");
        return null;
      } finally {
        await rm(dir, { recursive: true, force: true });
        qcInFlight.delete(dataset.id);
      }
    })();
    qcInFlight.set(dataset.id, pending);
  }
  return pending;
}

/** Dataset.setGeneNameColumn: one of the dataset's gene columns (null = the ids); editors and owners. */
export async function setGeneNameColumn(ctx: RequestContext, idRaw: string, column: string | null) {
  const dataset = await getDataset(ctx, idRaw);
  const viewer = requireViewer(ctx);
  await assertCan(ctx, dataset.teamId, "write", "dataset");
  const { genes } = await datasetNames(ctx, dataset);
  if (column !== null && !(column in genes.columns)) {
    throw invalid(`dataset '${dataset.name}' has no gene column '${column.slice(0, 100)}' (columns: ${Object.keys(genes.columns).join(", ") || "none; attach an id→symbol file"})`, "column");
  }
  const [row] = await ctx.deps.db.db.update(datasets).set({ geneNameColumn: column }).where(eq(datasets.id, dataset.id)).returning();
  await audit(ctx.deps.db.db, { teamId: dataset.teamId, actorId: viewer.userId, action: "dataset.geneNameColumn", targetType: "dataset", targetId: dataset.id, data: { before: dataset.geneNameColumn, after: column } });
  ctx.loaders.dataset.clear(dataset.id);
  return row!;
}

async function editableDataset(ctx: RequestContext, idRaw: string) {
  const dataset = await getDataset(ctx, idRaw);
  const viewer = requireViewer(ctx);
  await assertCan(ctx, dataset.teamId, "write", "dataset");
  return { dataset, viewer };
}

/**
 * Attaches an id→symbol table (CSV/TSV: gene id, symbol; a header row is recognised by its first
 * field naming no gene) as the gene column `symbol`, which becomes the display name.
 */
export async function attachGeneSymbols(ctx: RequestContext, idRaw: string, path: string) {
  const { dataset, viewer } = await editableDataset(ctx, idRaw);
  const names: DatasetNames = structuredClone(await datasetNames(ctx, dataset));
  let lines: string[];
  try {
    lines = await io.readAllLines(path);
  } catch (err) {
    if (err instanceof InputError) throw invalid(`gene-symbol file: ${err.problem}`, "file");
    throw err;
  }
  const index = new Map(names.genes.ids.map((g, j) => [g, j]));
  const sep = io.guessSeparator(lines[0] ?? "");
  const symbols = new Array<string>(names.genes.ids.length).fill("");
  let matched = 0;
  for (const [i, line] of lines.entries()) {
    if (line.trim() === "") continue;
    const fields = io.splitFields(line, sep);
    if (fields.length < 2) throw invalid(`gene-symbol file line ${i + 1} has ${fields.length} field; expected gene id, symbol`, "file");
    const j = index.get(fields[0]!);
    if (j === undefined) continue;
    symbols[j] = fields[1]!.trim();
    matched++;
  }
  if (matched === 0) throw invalid(`gene-symbol file names none of the dataset's ${names.genes.ids.length} gene ids (first id: '${names.genes.ids[0]}')`, "file");
  names.genes.columns["symbol"] = symbols;
  await ctx.deps.store.put(datasetKeys.names(dataset.id), Buffer.from(JSON.stringify(names)), { contentType: "application/json" });
  forgetDerived(dataset.id);
  const geneColumns = [...new Set([...dataset.geneColumns, "symbol"])];
  const [row] = await ctx.deps.db.db.update(datasets).set({ geneColumns, geneNameColumn: "symbol" }).where(eq(datasets.id, dataset.id)).returning();
  await audit(ctx.deps.db.db, { teamId: dataset.teamId, actorId: viewer.userId, action: "dataset.geneSymbols", targetType: "dataset", targetId: dataset.id, data: { matched, genes: names.genes.ids.length } });
  ctx.loaders.dataset.clear(dataset.id);
  return { dataset: { id: row!.id, geneColumns: row!.geneColumns, geneNameColumn: row!.geneNameColumn }, matched, unmatched: names.genes.ids.length - matched };
}

/** Attaches a label file (cell name first) that every later run reads with the dataset; `key` names its label column. */
export async function attachLabelFile(ctx: RequestContext, idRaw: string, path: string, key: string | undefined, fileName: string) {
  const { dataset, viewer } = await editableDataset(ctx, idRaw);
  if (key !== undefined && (key.length === 0 || key.length > 200)) throw invalid("key must be 1–200 characters", "key");
  const file = validateDatasetName(fileName);
  const { cells } = await datasetNames(ctx, dataset);
  const warnings: string[] = [];
  let labelled;
  try {
    labelled = await io.readLabelFile(path, cells, key, warnings);
  } catch (err) {
    if (err instanceof InputError) throw invalid(`${file}: ${err.problem}`, "file");
    throw err;
  }
  const storageKey = `datasets/${dataset.id}/labels/${file.replace(/[^\w.-]+/g, "_")}`;
  await ctx.deps.store.put(storageKey, createReadStream(path), { contentType: "text/csv" });
  const column = labelled.labelKey.split(":").at(-1)!;
  const [row] = await ctx.deps.db.db
    .update(datasets)
    .set({ labelsKey: storageKey, labelColumns: [`${file}:${column}`] })
    .where(eq(datasets.id, dataset.id))
    .returning();
  if (dataset.labelsKey && dataset.labelsKey !== storageKey) await ctx.deps.store.delete(dataset.labelsKey);
  await audit(ctx.deps.db.db, { teamId: dataset.teamId, actorId: viewer.userId, action: "dataset.labels", targetType: "dataset", targetId: dataset.id, data: { file, column } });
  ctx.loaders.dataset.clear(dataset.id);
  const unlabelled = labelled.labels.filter((l) => l === "").length;
  return {
    dataset: { id: row!.id, labelColumns: row!.labelColumns },
    labelKey: column,
    classes: new Set(labelled.labels.filter((l) => l !== "")).size,
    unlabelled,
    // The temp path means nothing to the user: warnings name the file they sent.
    warnings: warnings.map((w) => w.replace(path, file)),
  };
}
