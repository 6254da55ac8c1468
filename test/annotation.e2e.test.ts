/**
 * Results and annotation review end to end, through GraphQL, HTTP and socket.io only, on
 * PostgreSQL and an S3-protocol server with a real worker: two short runs of a PBMC subset give
 * UMAP and marker genes; two team members propose, dispute, revise, agree and accept a label, live;
 * a stale edit gets the conflict; the history shows it all; the exported h5ad, opened by Debian's
 * python3-anndata, carries the accepted label.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeCellsFile } from "@scfnccl/platform/cells";
import { hasPbmc, writePbmcSubset } from "@scfnccl/engine/testing";
import { validateCas, type CasDocument } from "@scfnccl/annotation";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, Client, startHarness, waitFor, type Harness } from "./support/harness.ts";

const CELLS = 300;
const PYTHON = "/usr/bin/python3";
const hasAnndata = existsSync(PYTHON) && (() => {
  try {
    execFileSync(PYTHON, ["-c", "import anndata"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

let h: Harness;
let dir: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  h = await startHarness({ worker: true });
  dir = await mkdtemp(join(tmpdir(), "annotation-e2e-"));
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await h?.stop();
  await rm(dir, { recursive: true, force: true });
});

interface ClusterState {
  id: string;
  index: number;
  size: number;
  status: string;
  version: number;
  label: string | null;
}

const CLUSTER = `id index size status version label`;
const PAYLOAD = `cluster { ${CLUSTER} } proposal { id label ontologyId revision agreeCount disagreeCount accepted } errors { code message field }`;

describe.skipIf(!hasPbmc)("results and annotation review end to end (PostgreSQL + S3 + worker)", () => {
  it("computes UMAP and markers for scFNCCL and Seurat runs, reviews a label live with conflicts and history, and exports the accepted labels", async () => {
    const alice = new Client(h.url);
    const bob = new Client(h.url);
    const carol = new Client(h.url);
    const aliceId = await alice.signUp("alice@lab-a.org", "Alice", "Lab A");
    const bobId = await bob.signUp("bob@lab-a.org", "Bob");
    await carol.signUp("carol@lab-c.org", "Carol", "Lab C");
    const teamId = (await alice.gql<{ teams: { id: string }[] }>(`{ teams { id } }`)).data!.teams[0]!.id;
    await addMember(alice, bob, teamId, "bob@lab-a.org", "EDITOR");

    // Upload: QC is computed at validation.
    const bytes = await readFile(await writePbmcSubset(join(dir, "pbmc.h5"), CELLS));
    const up = await alice.upload(teamId, "pbmc300.h5", bytes);
    expect(up.status, JSON.stringify(up.json)).toBe(201);
    const datasetId = (up.json["dataset"] as { id: string }).id;
    const qc = await bob.gql<{ dataset: { qc: { countsPerCell: { min: number; median: number; max: number; histogram: { binEdges: number[]; counts: number[] } }; genesPerCell: { min: number; max: number } } } }>(
      `query($id: ID!) { dataset(id: $id) { qc { countsPerCell { min median max mean q1 q3 histogram { binEdges counts } } genesPerCell { min median max } } } }`,
      { id: datasetId },
    );
    const counts = qc.data!.dataset.qc.countsPerCell;
    expect(counts.min).toBeGreaterThan(0);
    expect(counts.min).toBeLessThanOrEqual(counts.median);
    expect(counts.median).toBeLessThanOrEqual(counts.max);
    expect(counts.histogram.counts.reduce((a, b) => a + b, 0)).toBe(CELLS);
    expect(counts.histogram.binEdges).toHaveLength(counts.histogram.counts.length + 1);
    expect(qc.data!.dataset.qc.genesPerCell.max).toBeLessThanOrEqual(2000);

    // A short scFNCCL run and a Seurat-pipeline run of the same cells.
    const methods = await bob.gql<{ methods: { name: string; trains: boolean }[] }>(`{ methods { name trains } }`);
    expect(methods.data!.methods).toEqual(
      expect.arrayContaining([
        { name: "scfnccl", trains: true },
        { name: "seurat", trains: false },
        { name: "leiden", trains: false },
        { name: "kmeans", trains: false },
      ]),
    );
    const runIds: string[] = [];
    for (const input of [
      { datasetId, params: { epochs: 2 }, seed: 1 },
      { datasetId, method: "seurat", seed: 2 },
    ]) {
      const p = await bob.mutate("createRun", `mutation($input: CreateRunInput!) { createRun(input: $input) { run { id } errors { code message } } }`, { input });
      expect(p.errors).toEqual([]);
      runIds.push((p["run"] as { id: string }).id);
    }
    const [runId, otherRunId] = runIds as [string, string];
    for (const id of runIds) {
      await waitFor(
        async () => {
          const r = await alice.gql<{ run: { status: string; error: string | null } }>(`query($id: ID!) { run(id: $id) { status error } }`, { id });
          if (r.data!.run.status === "FAILED") throw new Error(r.data!.run.error ?? "run failed");
          return r.data!.run.status === "SUCCEEDED";
        },
        240_000,
        "the runs to succeed",
      );
    }

    const result = await bob.gql<{
      run: {
        metrics: { k: number };
        umap: { kind: string; sizeBytes: number };
        markers: { kind: string; downloadUrl: string };
        cellsUrl: string;
        h5ad: string;
        csv: string;
        labelConfusion: { labelKey: string; labels: string[]; counts: number[][] };
        lossHistory: { epoch: number; loss: number }[];
        clusters: (ClusterState & { markers: { gene: string; rank: number; score: number; logFoldChange: number; pctIn: number; pctOut: number; pval: number; pvalAdj: number }[] })[];
      };
    }>(
      `query($id: ID!) { run(id: $id) { metrics { k } umap { kind sizeBytes } markers { kind downloadUrl } cellsUrl h5ad: exportUrl(format: H5AD) csv: exportUrl(format: CSV)
        lossHistory { epoch loss instanceLoss clusterLoss seconds } labelConfusion { labelKey labels counts } clusters { ${CLUSTER} markers(top: 5, filter: null) { gene rank score logFoldChange pctIn pctOut pval pvalAdj } } } }`,
      { id: runId },
    );
    expect(result.errors).toBeUndefined();
    const run = result.data!.run;
    expect(run.umap.kind).toBe("UMAP");
    expect(run.lossHistory.map((e) => e.epoch)).toEqual([1, 2]);
    expect(run.lossHistory.every((e) => Number.isFinite(e.loss))).toBe(true);
    expect(run.clusters).toHaveLength(run.metrics.k);
    for (const c of run.clusters) {
      expect(c).toMatchObject({ id: `${runId}:${c.index}`, status: "OPEN", version: 0, label: null });
      if (c.size === 0) continue;
      expect(c.markers.map((m) => m.rank)).toEqual([1, 2, 3, 4, 5]);
      expect(c.markers[0]!.score).toBeGreaterThanOrEqual(c.markers[4]!.score);
      for (const m of c.markers) {
        expect(m.gene).toMatch(/\S/);
        expect(m.pvalAdj).toBeGreaterThanOrEqual(m.pval);
        expect(m.pctIn).toBeGreaterThanOrEqual(0);
        expect(m.pctIn).toBeLessThanOrEqual(1);
      }
    }
    expect(run.labelConfusion.labelKey).toBe("Y");
    expect(run.labelConfusion.counts.flat().reduce((a, b) => a + b, 0)).toBe(CELLS);

    // Per-cell results: the binary file and its JSON twin say the same.
    const bin = await alice.download(run.cellsUrl);
    expect(bin.status).toBe(200);
    expect(bin.headers.get("content-type")).toBe("application/octet-stream");
    const cells = decodeCellsFile(new Uint8Array(await bin.arrayBuffer()));
    expect(cells.header).toMatchObject({ n: CELLS, nComponents: 2, k: run.metrics.k });
    expect(cells.umap.every(Number.isFinite)).toBe(true);
    for (const c of run.clusters) expect(cells.cluster.filter((x) => x === c.index).length).toBe(c.size);
    const json = (await (await alice.download(`${run.cellsUrl}?format=json`)).json()) as { n: number; umap: number[]; cluster: number[]; label: number[] };
    expect(json.n).toBe(CELLS);
    expect(json.umap).toEqual(Array.from(cells.umap));
    expect(json.cluster).toEqual(Array.from(cells.cluster));
    expect(json.label).toHaveLength(CELLS);
    const markersCsv = await (await alice.download(run.markers.downloadUrl)).text();
    expect(markersCsv.split("\n")[0]).toBe("group,rank,names,gene_id,scores,logfoldchanges,pvals,pvals_adj,log10_pvals,log10_pvals_adj,pct_nz_group,pct_nz_reference");

    // Review: Bob watches the run's room while Alice proposes.
    const bobSocket = await bob.socket();
    sockets.push(bobSocket);
    const bobEvents: { action: string; version: number; status: string; clusterIndex: number }[] = [];
    bobSocket.on("annotation.changed", (e: (typeof bobEvents)[number]) => bobEvents.push(e));
    expect(((await bobSocket.emitWithAck("run:subscribe", runId)) as { ok: boolean }).ok).toBe(true);

    const target = run.clusters.find((c) => c.size > 0)!;
    const proposed = await alice.mutate("proposeLabel", `mutation($input: ProposeLabelInput!) { proposeLabel(input: $input) { ${PAYLOAD} } }`, {
      input: { runId, clusterIndex: target.index, expectedVersion: 0, label: "T cell", ontologyId: "CL:0000084", evidence: "first guess", markerGenes: [target.markers[0]!.gene] },
    });
    expect(proposed.errors).toEqual([]);
    expect(proposed["cluster"]).toMatchObject({ status: "PROPOSED", version: 1 });
    const proposalId = (proposed["proposal"] as { id: string }).id;
    await waitFor(() => bobEvents.some((e) => e.action === "proposal.create"), 10_000, "Bob to see the proposal");
    expect(bobEvents[0]).toMatchObject({ clusterIndex: target.index, version: 1, status: "proposed" });

    const disagree = await bob.mutate("voteProposal", `mutation($input: VoteProposalInput!) { voteProposal(input: $input) { ${PAYLOAD} } }`, {
      input: { proposalId, value: "DISAGREE", reason: "no CD3 signal in the markers" },
    });
    expect(disagree["cluster"]).toMatchObject({ status: "DISPUTED", version: 2 });
    const votes = await alice.gql<{ run: { clusters: { index: number; proposals: { votes: { value: string; reason: string; user: { name: string } }[]; viewerVote: unknown }[] }[] } }>(
      `query($id: ID!) { run(id: $id) { clusters { index proposals { votes { value reason user { name } } viewerVote { value } } } } }`,
      { id: runId },
    );
    expect(votes.data!.run.clusters.find((c) => c.index === target.index)!.proposals).toEqual([
      { votes: [{ value: "DISAGREE", reason: "no CD3 signal in the markers", user: { name: "Bob" } }], viewerVote: null },
    ]);
    const comment = await bob.mutate("commentCluster", `mutation($input: CommentClusterInput!) { commentCluster(input: $input) { comment { body author { name } proposal { id } } errors { code } } }`, {
      input: { runId, clusterIndex: target.index, body: "Could these be B cells?", proposalId },
    });
    expect(comment["comment"]).toEqual({ body: "Could these be B cells?", author: { name: "Bob" }, proposal: { id: proposalId } });

    const revised = await alice.mutate("reviseProposal", `mutation($input: ReviseProposalInput!) { reviseProposal(input: $input) { ${PAYLOAD} } }`, {
      input: { proposalId, expectedVersion: 3, label: "B cell", ontologyId: "CL:0000236", evidence: "MS4A1 and CD79A" },
    });
    expect(revised.errors).toEqual([]);
    expect(revised["proposal"]).toMatchObject({ label: "B cell", ontologyId: "CL:0000236", revision: 2, agreeCount: 0, disagreeCount: 0 });
    const agreed = await bob.mutate("voteProposal", `mutation($input: VoteProposalInput!) { voteProposal(input: $input) { ${PAYLOAD} } }`, { input: { proposalId, value: "AGREE" } });
    expect(agreed["cluster"]).toMatchObject({ status: "PROPOSED", version: 5 });
    expect(agreed["proposal"]).toMatchObject({ agreeCount: 1, disagreeCount: 0 });

    // Alice still holds version 3: her accept is refused with the current state; Bob's goes through.
    const stale = await alice.mutate("acceptProposal", `mutation($id: ID!, $v: Int!) { acceptProposal(proposalId: $id, expectedVersion: $v) { ${PAYLOAD} } }`, { id: proposalId, v: 3 });
    expect(stale.errors).toEqual([{ code: "CONFLICT", message: expect.stringContaining("changed since you loaded it"), field: "expectedVersion" }]);
    expect(stale["cluster"]).toMatchObject({ version: 5, status: "PROPOSED" });
    const accepted = await bob.mutate("acceptProposal", `mutation($id: ID!, $v: Int!) { acceptProposal(proposalId: $id, expectedVersion: $v) { ${PAYLOAD} } }`, { id: proposalId, v: 5 });
    expect(accepted["cluster"]).toMatchObject({ status: "ACCEPTED", version: 6, label: "B cell" });
    await waitFor(() => bobEvents.length >= 6, 10_000, "every change on Bob's socket");
    expect(bobEvents.slice(0, 6).map((e) => e.action)).toEqual(["proposal.create", "proposal.vote", "comment.create", "proposal.revise", "proposal.vote", "proposal.accept"]);

    const history = await alice.gql<{ run: { clusters: { index: number; history: { action: string; actor: { id: string }; at: string; before: unknown; after: unknown }[] }[] } }>(
      `query($id: ID!) { run(id: $id) { clusters { index history { action actor { id } at before after } } } }`,
      { id: runId },
    );
    const trail = history.data!.run.clusters.find((c) => c.index === target.index)!.history;
    expect(trail.map((e) => [e.action, e.actor.id])).toEqual([
      ["proposal.create", aliceId],
      ["proposal.vote", bobId],
      ["comment.create", bobId],
      ["proposal.revise", aliceId],
      ["proposal.vote", bobId],
      ["proposal.accept", bobId],
    ]);
    expect(trail[3]).toMatchObject({ before: { proposal: { label: "T cell" } }, after: { proposal: { label: "B cell", revision: 2 } } });

    // Two editors proposing different labels at the same moment on the same version: a proposal
    // replaces nothing, so both are recorded (the row lock serialises them: versions 1 and 2).
    const other = run.clusters.find((c) => c.index !== target.index)!;
    const racing = await Promise.all(
      [alice, bob].map((c, i) =>
        c.mutate("proposeLabel", `mutation($input: ProposeLabelInput!) { proposeLabel(input: $input) { ${PAYLOAD} } }`, {
          input: { runId, clusterIndex: other.index, expectedVersion: 0, label: `guess ${i}` },
        }),
      ),
    );
    expect(racing.map((p) => p.errors)).toEqual([[], []]);
    expect(racing.map((p) => (p["cluster"] as { version: number }).version).sort()).toEqual([1, 2]);

    // Agreement between the two runs, and the label copied across by overlap.
    const agreement = await alice.gql<{ runAgreement: { sharedCells: number; ari: number; nmi: number; contingency: number[][] } }>(
      `query($a: ID!, $b: ID!) { runAgreement(a: $a, b: $b) { sharedCells ari nmi contingency } }`,
      { a: runId, b: otherRunId },
    );
    const ag = agreement.data!.runAgreement;
    expect(ag.sharedCells).toBe(CELLS);
    expect(ag.ari).toBeGreaterThanOrEqual(-1);
    expect(ag.ari).toBeLessThanOrEqual(1);
    expect(ag.contingency.flat().reduce((a, b) => a + b, 0)).toBe(CELLS);
    const self = await alice.gql<{ runAgreement: { ari: number } }>(`query($a: ID!) { runAgreement(a: $a, b: $a) { ari } }`, { a: runId });
    expect(self.data!.runAgreement.ari).toBe(1);
    const copy = await alice.mutate("copyLabels", `mutation($a: ID!, $b: ID!) { copyLabels(input: { fromRunId: $a, toRunId: $b }) { mappings { toCluster fromCluster overlap copied label reason } errors { code } } }`, {
      a: runId,
      b: otherRunId,
    });
    const mappings = copy["mappings"] as { fromCluster: number; overlap: number; copied: boolean; label: string | null; reason: string | null }[];
    for (const m of mappings) {
      if (m.copied) expect(m).toMatchObject({ fromCluster: target.index, label: "B cell", reason: null });
      else expect(m.reason).toMatch(/\S/);
      if (m.copied) expect(m.overlap).toBeGreaterThanOrEqual(0.5);
    }

    // Exports: CSV and h5ad with the accepted labels; another team gets 404.
    const csv = await alice.download(run.csv);
    expect(csv.status).toBe(200);
    const csvLines = (await csv.text()).trim().split("\n");
    expect(csvLines[0]).toBe("cell,cluster,cell_type,cell_ontology_id,umap_1,umap_2,Y");
    expect(csvLines).toHaveLength(CELLS + 1);
    const labelled = csvLines.slice(1).filter((l) => l.split(",")[2] === "B cell");
    expect(labelled).toHaveLength(target.size);
    expect(labelled.every((l) => l.split(",")[1] === String(target.index) && l.split(",")[3] === "CL:0000236")).toBe(true);
    for (const url of [run.h5ad, run.csv, run.cellsUrl]) expect((await carol.download(url)).status).toBe(404);

    const h5ad = await alice.download(run.h5ad);
    expect(h5ad.status).toBe(200);
    expect(h5ad.headers.get("content-disposition")).toContain(".h5ad");
    const path = join(dir, "annotated.h5ad");
    await writeFile(path, new Uint8Array(await h5ad.arrayBuffer()));
    if (!hasAnndata) return;
    const script = `
import json, sys, anndata
a = anndata.read_h5ad(sys.argv[1])
ct = a.obs["cell_type"]
print(json.dumps({
  "shape": list(a.shape),
  "obs": sorted(a.obs.columns.tolist()),
  "obsm": sorted(a.obsm.keys()),
  "labelled": int((ct == "B cell").sum()),
  "labelledClusters": sorted(set(a.obs["cluster"][ct == "B cell"].astype(str))),
  "missing": int(ct.isna().sum()),
  "ontology": sorted(set(a.obs["cell_ontology_id"].dropna().astype(str))),
  "umap": list(a.obsm["X_umap"].shape),
  "cas": str(a.uns["cas"]),
}))`;
    const { cas, ...out } = JSON.parse(execFileSync(PYTHON, ["-c", script, path], { encoding: "utf8" })) as Record<string, unknown>;
    // The review travels with the data, as CAS's AnnData tools keep it: one JSON string in uns['cas'].
    const doc = JSON.parse(cas as string) as CasDocument;
    expect(validateCas(doc)).toEqual([]);
    const casAccepted = doc.annotations.filter((a) => a.labelset === "accepted");
    expect(casAccepted.map((a) => [a.cell_label, a.cell_ontology_term_id, a.cell_ids!.length])).toEqual([["B cell", "CL:0000236", target.size]]);
    expect(out).toEqual({
      shape: [CELLS, 2000],
      obs: ["Y", "cell_ontology_id", "cell_type", "cluster"],
      obsm: ["X_embedding", "X_umap"],
      labelled: target.size,
      labelledClusters: [String(target.index)],
      missing: CELLS - target.size,
      ontology: ["CL:0000236"],
      umap: [CELLS, 2],
    });
  });
});
