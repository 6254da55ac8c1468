/**
 * The evidence a biologist names a cell type from, end to end through HTTP and GraphQL on
 * PostgreSQL + S3 with a real worker, on a pbmc3k subset (gene symbols, named cell types): gene
 * search by symbol or id, the display-name column, one gene's expression and one QC column per
 * cell, per-cluster gene stats, markers with scanpy's filter (and without), the markers CSV, a
 * duplicate upload refused with the existing dataset named, run phases, and the exported h5ad's
 * `uns['rank_genes_groups']` read by Debian's anndata.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { io, pp } from "@scfnccl/engine";
import { sharedData } from "@scfnccl/engine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, startHarness, waitFor, type Harness } from "./support/harness.ts";

const PBMC3K = join(sharedData(), "pbmc3k");
const CELLS = 700;

let h: Harness;
let dir: string;

beforeAll(async () => {
  h = await startHarness({ worker: true });
  dir = await mkdtemp(join(tmpdir(), "evidence-e2e-"));
});

afterAll(async () => {
  await h?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** The first CELLS labelled cells of pbmc3k as an h5ad with symbols in var and labels in obs. */
async function pbmcSubset(path: string): Promise<void> {
  const d = await io.readDataset(join(PBMC3K, "filtered_feature_bc_matrix"), { labelsFile: join(PBMC3K, "cell_types.csv"), labelKey: "cell_type" });
  const rows = d.labels!.flatMap((l, i) => (l ? [i] : [])).slice(0, CELLS);
  await io.writeH5ad(path, {
    counts: pp.csrSubset(d.counts, rows, null),
    cells: rows.map((r) => d.cells[r]!),
    genes: d.genes,
    obs: { cell_type: rows.map((r) => d.labels![r]!) },
    var: { gene_symbols: d.geneColumns!["gene_symbols"]! },
  });
}

describe.skipIf(!existsSync(PBMC3K))("per-cell evidence end to end (PostgreSQL + S3 + worker)", () => {
  it("searches genes, colours cells by a gene and by QC, summarises genes per cluster, filters markers as scanpy and exports them in scanpy's layout", async () => {
    const alice = new Client(h.url);
    await alice.signUp("alice@lab-e.org", "Alice", "Lab E");
    const teamId = (await alice.gql<{ teams: { id: string }[] }>(`{ teams { id } }`)).data!.teams[0]!.id;
    const file = join(dir, "pbmc.h5ad");
    await pbmcSubset(file);
    const bytes = await readFile(file);
    const up = await alice.upload(teamId, "pbmc700.h5ad", bytes);
    expect(up.status, JSON.stringify(up.json)).toBe(201);
    const datasetId = (up.json["dataset"] as { id: string }).id;

    // The same bytes again: refused, naming the dataset the team has.
    const again = await alice.upload(teamId, "copy.h5ad", bytes);
    expect(again.status).toBe(409);
    expect(again.json["existing"]).toEqual({ id: datasetId, name: "pbmc700.h5ad" });
    expect((again.json["errors"] as { message: string }[])[0]!.message).toMatch(/already the team's dataset 'pbmc700.h5ad'/);

    // Genes by symbol (prefix first) or by Ensembl id; symbols are the display names.
    const genes = await alice.gql<{ dataset: { geneColumns: string[]; geneNameColumn: string; geneSearch: { index: number; id: string; symbol: string; name: string }[] } }>(
      `query($id: ID!) { dataset(id: $id) { geneColumns geneNameColumn geneSearch(search: "nkg", first: 5) { index id symbol name } } }`,
      { id: datasetId },
    );
    expect(genes.data!.dataset.geneColumns).toEqual(["gene_symbols"]);
    expect(genes.data!.dataset.geneNameColumn).toBe("gene_symbols");
    const nkg7 = genes.data!.dataset.geneSearch[0]!;
    expect(nkg7).toMatchObject({ name: "NKG7", symbol: "NKG7", id: expect.stringMatching(/^ENSG/) });
    const byId = await alice.gql<{ dataset: { geneSearch: { name: string }[] } }>(`query($id: ID!, $q: String!) { dataset(id: $id) { geneSearch(search: $q, first: 1) { name } } }`, { id: datasetId, q: nkg7.id.toLowerCase() });
    expect(byId.data!.dataset.geneSearch[0]!.name).toBe("NKG7");
    const tooMany = await alice.gql(`query($id: ID!) { dataset(id: $id) { geneSearch(search: "a", first: 1000) { name } } }`, { id: datasetId });
    expect(tooMany.errors?.[0]?.message).toBe("first must be 1–100");

    // A Seurat-pipeline run, its phases named.
    const p = await alice.mutate("createRun", `mutation($input: CreateRunInput!) { createRun(input: $input) { run { id } errors { code message } } }`, { input: { datasetId, method: "seurat", seed: 0 } });
    expect(p.errors).toEqual([]);
    const runId = (p["run"] as { id: string }).id;
    await waitFor(
      async () => {
        const r = await alice.gql<{ run: { status: string; error: string | null } }>(`query($id: ID!) { run(id: $id) { status error } }`, { id: runId });
        if (r.data!.run.status === "FAILED") throw new Error(r.data!.run.error ?? "run failed");
        return r.data!.run.status === "SUCCEEDED";
      },
      240_000,
      "the run to succeed",
    );
    const run = await alice.gql<{
      run: {
        progress: { phase: string };
        markersCsvUrl: string;
        clusters: { index: number; majorityLabel: string; filtered: { gene: string; geneId: string; pctIn: number; pctOut: number; logFoldChange: number; rank: number; log10Pval: number; pval: number }[]; all: { gene: string; rank: number }[] }[];
      };
    }>(
      `query($id: ID!) { run(id: $id) { progress { phase } markersCsvUrl clusters { index majorityLabel
         filtered: markers(top: 10) { gene geneId pctIn pctOut logFoldChange rank log10Pval pval }
         all: markers(top: 10, filter: null) { gene rank } } } }`,
      { id: runId },
    );
    const r = run.data!.run;
    expect(r.progress.phase).toBe("SAVING");
    for (const c of r.clusters) {
      expect(c.all.map((m) => m.rank)).toEqual(c.all.map((_, i) => i + 1));
      for (const m of c.filtered) {
        expect(m.pctIn).toBeGreaterThanOrEqual(0.25);
        expect(m.pctOut).toBeLessThanOrEqual(0.5);
        expect(2 ** m.logFoldChange).toBeGreaterThanOrEqual(2);
        expect(Number.isFinite(m.log10Pval)).toBe(true);
        if (m.pval > 1e-300) expect(m.log10Pval).toBeCloseTo(Math.log10(m.pval), 6);
      }
    }
    const bCluster = r.clusters.find((c) => c.majorityLabel === "B")!;
    expect(bCluster.filtered.map((m) => m.gene)).toEqual(expect.arrayContaining([expect.stringMatching(/^(MS4A1|CD79A)$/)]));

    // One gene for every cell, in /cells order: NK cells have the highest NKG7.
    const cells = (await (await alice.download(`/api/runs/${runId}/cells?format=json`)).json()) as { n: number; cluster: number[]; cellNames: string[]; label: number[]; labelNames: string[] };
    expect(cells.cellNames).toHaveLength(cells.n);
    const expr = await alice.download(`/api/runs/${runId}/expression?gene=NKG7`);
    expect(expr.headers.get("content-type")).toBe("application/octet-stream");
    const values = new Float32Array(await expr.arrayBuffer());
    expect(values).toHaveLength(cells.n);
    const json = (await (await alice.download(`/api/runs/${runId}/expression?gene=${nkg7.id}&format=json`)).json()) as { gene: string; values: number[] };
    expect(json.gene).toBe("NKG7");
    expect(json.values).toEqual(Array.from(values));
    const meanWhere = (pick: (i: number) => boolean) => {
      let sum = 0;
      let n = 0;
      values.forEach((v, i) => {
        if (pick(i)) {
          sum += v;
          n++;
        }
      });
      return sum / n;
    };
    const nk = cells.labelNames.indexOf("NK");
    const nkMean = meanWhere((i) => cells.label[i] === nk);
    for (const [l, name] of cells.labelNames.entries()) if (name !== "NK" && name !== "CD8 T") expect(nkMean).toBeGreaterThan(meanWhere((i) => cells.label[i] === l));
    const missing = await alice.download(`/api/runs/${runId}/expression?gene=NOPE1`);
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { errors: { message: string }[] }).errors[0]!.message).toBe("dataset 'pbmc700.h5ad' has no gene 'NOPE1' (search with Dataset.geneSearch)");

    // QC per cell (computed at upload): totals, genes detected, % mitochondrial.
    const mt = new Float32Array(await (await alice.download(`/api/runs/${runId}/obs?key=pct_counts_mt`)).arrayBuffer());
    expect(mt).toHaveLength(cells.n);
    expect(Math.max(...mt)).toBeGreaterThan(0);
    expect(Math.max(...mt)).toBeLessThan(100);
    const badKey = await alice.download(`/api/runs/${runId}/obs?key=nope`);
    expect(badKey.status).toBe(400);

    // Dot-plot data: clusters × genes.
    const stats = await alice.gql<{ run: { geneStats: { genes: string[]; groups: number[]; meanExpression: number[][]; fractionExpressing: number[][] } } }>(
      `query($id: ID!) { run(id: $id) { geneStats(genes: ["NKG7", "MS4A1", "LYZ"]) { genes groups meanExpression fractionExpressing } } }`,
      { id: runId },
    );
    const gs = stats.data!.run.geneStats;
    expect(gs.genes).toEqual(["NKG7", "MS4A1", "LYZ"]);
    expect(gs.meanExpression).toHaveLength(r.clusters.length);
    expect(gs.meanExpression[0]![0]).toBeCloseTo(meanWhere((i) => cells.cluster[i] === 0), 4);
    expect(gs.fractionExpressing[bCluster.index]![1]).toBeGreaterThan(0.5);

    // Markers CSV: filtered by default, every gene with filter=none.
    const csv = await (await alice.download(r.markersCsvUrl)).text();
    expect(csv.split("\n")[0]).toBe("group,rank,names,gene_id,scores,logfoldchanges,pvals,pvals_adj,log10_pvals,log10_pvals_adj,pct_nz_group,pct_nz_reference");
    const all = await (await alice.download(`${r.markersCsvUrl}?filter=none`)).text();
    expect(all.trim().split("\n").length).toBeGreaterThan(csv.trim().split("\n").length);
    const badFilter = await alice.download(`${r.markersCsvUrl}?minInGroupFraction=2`);
    expect(badFilter.status).toBe(400);

    // The display name can be the ids instead, and back.
    const set = await alice.mutate("setGeneNameColumn", `mutation($d: ID!) { setGeneNameColumn(datasetId: $d, column: null) { dataset { geneNameColumn } errors { code message field } } }`, { d: datasetId });
    expect(set.errors).toEqual([]);
    const idsNow = await alice.gql<{ run: { clusters: { markers: { gene: string; geneId: string }[] }[] } }>(`query($id: ID!) { run(id: $id) { clusters { markers(top: 1) { gene geneId } } } }`, { id: runId });
    for (const c of idsNow.data!.run.clusters) for (const m of c.markers) expect(m.gene).toBe(m.geneId);
    const bad = await alice.mutate("setGeneNameColumn", `mutation($d: ID!) { setGeneNameColumn(datasetId: $d, column: "nope") { errors { code message field } } }`, { d: datasetId });
    expect(bad.errors[0]).toMatchObject({ code: "INVALID_INPUT", field: "column" });

    // A kept selection: named, listed, compared with the rest and with another set.
    const bCells = cells.cluster.flatMap((c, i) => (c === bCluster.index ? [i] : []));
    const setQuery = `mutation($r: ID!, $n: String!, $c: [Int!]!) { createCellSet(input: { runId: $r, name: $n, cells: $c }) { cellSet { id name size } errors { code message field } } }`;
    const made = await alice.mutate("createCellSet", setQuery, { r: runId, n: "my B cells", c: bCells });
    expect(made.errors).toEqual([]);
    const setId = (made["cellSet"] as { id: string; size: number }).id;
    expect((made["cellSet"] as { size: number }).size).toBe(bCells.length);
    expect((await alice.mutate("createCellSet", setQuery, { r: runId, n: "my B cells", c: [0] })).errors[0]).toMatchObject({ code: "CONFLICT" });
    expect((await alice.mutate("createCellSet", setQuery, { r: runId, n: "out of range", c: [cells.n] })).errors[0]).toMatchObject({ code: "INVALID_INPUT", field: "cells" });
    const others = await alice.mutate("createCellSet", setQuery, { r: runId, n: "the rest", c: cells.cluster.flatMap((c, i) => (c !== bCluster.index ? [i] : [])) });
    expect(others.errors).toEqual([]);
    const sets = await alice.gql<{ run: { cellSets: { name: string }[] }; cellSet: { vsRest: { geneId: string }[]; vsOther: { geneId: string }[] } }>(
      `query($id: ID!, $set: ID!, $ref: ID!) { run(id: $id) { cellSets { name } }
         cellSet(id: $set) { vsRest: markers(top: 10) { geneId } vsOther: markers(top: 10, reference: $ref) { geneId } } }`,
      { id: runId, set: setId, ref: (others["cellSet"] as { id: string }).id },
    );
    expect(sets.errors).toBeUndefined();
    expect(sets.data!.run.cellSets.map((c) => c.name)).toEqual(["my B cells", "the rest"]);
    const mine = sets.data!.cellSet;
    // The same cells as the B cluster, against the same rest: the same test, the same markers.
    expect(mine.vsRest.map((m) => m.geneId)).toEqual(bCluster.filtered.map((m) => m.geneId));
    expect(mine.vsOther.map((m) => m.geneId)).toEqual(mine.vsRest.map((m) => m.geneId));
    const restId = (others["cellSet"] as { id: string }).id;
    const deleted = await alice.mutate("deleteCellSet", `mutation($id: ID!) { deleteCellSet(id: $id) { deletedId errors { code } } }`, { id: restId });
    expect(deleted["deletedId"]).toBe(restId);

    // The set is named through the review flow, and its accepted label is exported (below).
    const proposed = await alice.mutate(
      "proposeLabel",
      `mutation($r: ID!, $s: ID!) { proposeLabel(input: { runId: $r, cellSetId: $s, label: "B cell", ontologyId: "CL:0000236", markerGenes: ["MS4A1"] }) { proposal { id cellSetId } cellSet { status version } errors { code message field } } }`,
      { r: runId, s: setId },
    );
    expect(proposed.errors).toEqual([]);
    expect(proposed["cellSet"]).toEqual({ status: "PROPOSED", version: 1 });
    const acceptedSet = await alice.mutate(
      "acceptProposal",
      `mutation($p: ID!) { acceptProposal(proposalId: $p, expectedVersion: 1) { cellSet { status label } errors { code message field } } }`,
      { p: (proposed["proposal"] as { id: string }).id },
    );
    expect(acceptedSet["cellSet"]).toEqual({ status: "ACCEPTED", label: "B cell" });

    // The exported h5ad carries the markers in scanpy's layout.
    const exported = join(dir, "export.h5ad");
    await writeFile(exported, Buffer.from(await (await alice.download(`/api/runs/${runId}/export.h5ad`)).arrayBuffer()));
    const script = `
import sys, json, warnings
warnings.simplefilter("ignore")
import anndata
a = anndata.read_h5ad(sys.argv[1])
r = a.uns["rank_genes_groups"]
print(json.dumps({"groups": list(r["names"].dtype.names), "fields": sorted(k for k in r.keys()), "n": int(r["names"].shape[0]),
  "scores": str(r["scores"].dtype[0]), "pvals": str(r["pvals"].dtype[0]), "pts": list(r["pts"].shape), "method": r["params"]["method"],
  "first": {g: str(r["names"][g][0]) for g in r["names"].dtype.names}, "var": list(a.var.columns), "clusters": sorted(a.obs["cluster"].cat.categories.tolist()),
  "setColumn": a.obs["cell_set_my_B_cells"].cat.categories.tolist() if "cell_set_my_B_cells" in a.obs else None,
  "setRows": [int(i) for i, v in enumerate(a.obs["cell_set_my_B_cells"].notna()) if v] if "cell_set_my_B_cells" in a.obs else None,
  "setUns": {k: dict(v) for k, v in a.uns["scfnccl_annotation"]["cell_sets"].items()}}, default=str))
`;
    const view = JSON.parse(execFileSync("/usr/bin/python3", ["-c", script, exported], { encoding: "utf8" })) as Record<string, unknown>;
    const nGenes = bytes.length > 0 ? (await io.readDataset(file)).genes.length : 0;
    expect(view).toMatchObject({
      fields: ["logfoldchanges", "names", "params", "pts", "pts_rest", "pvals", "pvals_adj", "scores"],
      n: nGenes,
      scores: "float32",
      pvals: "float64",
      pts: [nGenes, r.clusters.length],
      method: "wilcoxon",
      var: expect.arrayContaining(["gene_symbols"]),
    });
    expect(view["groups"]).toEqual(view["clusters"]);
    // The accepted cell-set label: its own obs column, the label on the set's cells, NA elsewhere.
    expect(view["setColumn"]).toEqual(["B cell"]);
    expect(view["setRows"]).toEqual(bCells);
    expect(view["setUns"]).toEqual({ cell_set_my_B_cells: { name: "my B cells", label: "B cell", ontology_id: "CL:0000236" } });
    const unfiltered = await alice.gql<{ run: { clusters: { index: number; markers: { geneId: string }[] }[] } }>(`query($id: ID!) { run(id: $id) { clusters { index markers(top: 1, filter: null) { geneId } } } }`, { id: runId });
    for (const c of unfiltered.data!.run.clusters) expect((view["first"] as Record<string, string>)[String(c.index)]).toBe(c.markers[0]!.geneId);
  }, 600_000);
});
