/**
 * What a biologist needs to name a cell type, in a real browser (Debian's chromium driven by
 * playwright-core) on the embedded platform's pbmc3k demo: the demo user signs in, runs the
 * Seurat-style method, and finds the evidence on the run page: the B-cell cluster's filtered markers
 * name MS4A1 or CD79A and the CD14+ monocytes' LYZ or CD14 (clusters found by their majority
 * `cell_type`); the UMAP coloured by NKG7 is highest in the NK cluster; the dot plot has every
 * cluster × every shown gene; % mitochondrial counts overlay the UMAP with a violin per cluster; a
 * lasso selection saved as a cell set gets its markers against the rest, a proposal completed from
 * the Cell Ontology, suggestions from the marker databases of which one is adopted and accepted
 * through the review flow, and the exported h5ad carries that label in its obs (read back with
 * Debian's anndata); a 16-cluster run gives its clusters 16
 * different colours. A screenshot of every page visited goes to the folder the test prints
 * (test-results/screenshots/biology-evidence).
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, launchChromium, screenshotFolder, signIn } from "../support/browser.ts";
import { buildPlatform, startWebPlatform, type WebPlatform } from "../support/web-platform.ts";

const DEMO = { name: "Demo user", email: "demo@scfnccl.local", password: "demo-password" };
const execFileP = promisify(execFile);

let platform: WebPlatform;
let browser: Browser;
let context: BrowserContext;
let tmp: string;
let shots: Awaited<ReturnType<typeof screenshotFolder>>;
const shot = (page: Page, name: string) => shots.shot(page, name);

/** GraphQL from inside the page (its session cookie): the test reads facts the way the app does. */
async function gql<T>(page: Page, query: string, variables: Record<string, unknown>): Promise<T> {
  return page.evaluate(
    async ([q, v]) => {
      const res = await fetch("/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: q, variables: v }) });
      const body = (await res.json()) as { data: unknown; errors?: { message: string }[] };
      if (body.errors?.length) throw new Error(body.errors[0]!.message);
      return body.data;
    },
    [query, variables] as const,
  ) as Promise<T>;
}

/** The cluster whose most common dataset label is `label`. */
async function clusterOf(page: Page, runId: string, label: string): Promise<number> {
  const d = await gql<{ run: { clusters: { index: number; majorityLabel: string | null }[] } }>(page, "query($id: ID!) { run(id: $id) { clusters { index majorityLabel } } }", { id: runId });
  const c = d.run.clusters.find((x) => x.majorityLabel === label);
  if (!c) throw new Error(`no cluster has ${label} as its majority label: ${JSON.stringify(d.run.clusters)}`);
  return c.index;
}

async function startRun(page: Page, datasetUrl: string, method: string, k?: number): Promise<string> {
  await page.goto(datasetUrl);
  await page.getByLabel("Method").selectOption(method);
  if (k !== undefined) await page.getByLabel("K", { exact: true }).fill(String(k));
  await page.getByRole("button", { name: "Start run" }).click();
  await page.waitForURL(/\/runs\/[^/]+$/);
  const url = page.url();
  // Generous: on the shared 2-core machine a niced run can wait minutes for the CPU.
  await page.getByTestId("run-status").getByText("succeeded").waitFor({ timeout: 600_000 });
  return url;
}

describe.skipIf(!existsSync(CHROMIUM))("the evidence to name a cell type, on the pbmc3k demo (browser)", () => {
  beforeAll(async () => {
    shots = await screenshotFolder("biology-evidence");
    tmp = await mkdtemp(join(tmpdir(), "scfnccl-biology-"));
    await buildPlatform();
    platform = await startWebPlatform({ DEMO: "true" });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
    context.setDefaultTimeout(60_000);
  }, 700_000);

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close();
    await platform?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it("markers, gene colouring, dot plot, QC overlay, a cell set and the palette on pbmc3k", async () => {
    const page = await context.newPage();
    page.on("pageerror", (err) => console.error(`[browser] ${err.message}`));
    try {
      // Sign in: the top bar names the user at once (never "Sign in" after signing in).
      await page.goto(`${platform.url}/signin`);
      await page.waitForFunction((t) => document.title === t, "Sign in · scFNCCL");
      await shot(page, "01-signin");
      await signIn(page, platform.url, DEMO, 2_000);
      await page.getByRole("link", { name: "Demo team" }).waitFor();
      await page.waitForFunction((t) => document.title === t, "Your teams · scFNCCL");
      await shot(page, "02-teams");

      // Another team's (or a missing) object: said so, with a way back.
      await page.goto(`${platform.url}/runs/00000000-0000-4000-8000-000000000000`);
      await page.getByTestId("not-found").waitFor();
      await shot(page, "03-not-found");
      await page.getByTestId("not-found").getByRole("link", { name: "Your teams" }).click();
      await page.getByRole("link", { name: "Demo team" }).click();
      await page.getByRole("heading", { name: "Demo team" }).waitFor();
      await page.waitForFunction((t) => document.title === t, "Demo team (team) · scFNCCL");
      await shot(page, "04-team");
      await page.locator("table a[href^='/datasets/']").first().click();
      await page.getByTestId("dataset-cells").waitFor();
      const datasetUrl = page.url();
      await shot(page, "05-dataset");

      // The Seurat-style method; then the clusters found by their majority cell type.
      const runUrl = await startRun(page, datasetUrl, "seurat");
      const runId = runUrl.split("/").pop()!;
      await page.locator("[data-testid=umap][data-ready=true]").waitFor({ timeout: 120_000 });
      const bCluster = await clusterOf(page, runId, "B");
      const monoCluster = await clusterOf(page, runId, "CD14+ Mono");
      const nkCluster = await clusterOf(page, runId, "NK");
      const nClusters = await page.locator("[data-testid^=cluster-button-]").count();
      await shot(page, "06-run-seurat");

      // The marker table, filtered with scanpy's defaults (the filter is on when the page opens).
      const table = page.getByTestId("run-marker-table");
      await table.locator("tbody tr").first().waitFor();
      const genesOf = async (c: number) => table.locator(`tbody tr[data-group="Cluster ${c}"]`).evaluateAll((rows) => rows.map((r) => r.getAttribute("data-gene")));
      const bGenes = await genesOf(bCluster);
      expect(bGenes.some((g) => g === "MS4A1" || g === "CD79A"), `B cluster ${bCluster} markers: ${bGenes.join(", ")}`).toBe(true);
      const monoGenes = await genesOf(monoCluster);
      expect(monoGenes.some((g) => g === "LYZ" || g === "CD14"), `CD14+ Mono cluster ${monoCluster} markers: ${monoGenes.join(", ")}`).toBe(true);

      // The dot plot: every cluster × every gene it shows.
      const dotplot = page.getByTestId("dotplot");
      await dotplot.waitFor();
      const groups = Number(await dotplot.getAttribute("data-groups"));
      const genes = Number(await dotplot.getAttribute("data-genes"));
      expect(groups).toBe(nClusters);
      expect(genes).toBeGreaterThanOrEqual(nClusters);
      expect(await dotplot.locator("[data-testid=dot]").count()).toBe(groups * genes);
      await page.getByTestId("heatmap-tab").click();
      await page.getByTestId("expression-heatmap").waitFor();

      // Colour by NKG7: the NK cluster's cells have the highest mean of the values drawn.
      await page.getByLabel("Colour by", { exact: true }).selectOption("gene");
      await page.getByTestId("gene-search").fill("NKG");
      await page.locator("datalist#umap-genes option[value='NKG7']").waitFor({ state: "attached" });
      await page.getByTestId("gene-search").fill("NKG7");
      await page.getByRole("button", { name: "Show", exact: true }).click();
      await page.locator("[data-testid=umap][data-coloring=NKG7]").waitFor();
      await page.getByTestId("umap-colorbar").waitFor();
      await page.getByTestId("color-time").waitFor();
      const means = await page.getByTestId("violin-table").locator("tbody tr").evaluateAll((rows) => rows.map((r) => [Number(r.getAttribute("data-group")), Number(r.getAttribute("data-mean"))] as const));
      const top = [...means].sort((a, b) => b[1] - a[1])[0]!;
      expect(top[0], `NKG7 means by cluster: ${JSON.stringify(means)}`).toBe(nkCluster);
      await shot(page, "07-run-nkg7");

      // QC overlay: % mitochondrial counts on the UMAP and per cluster.
      await page.getByLabel("Colour by", { exact: true }).selectOption("pct_counts_mt");
      await page.locator("[data-testid=umap][data-coloring='% mitochondrial counts']").waitFor();
      await page.getByTestId("violin").waitFor();
      await shot(page, "08-run-pct-mito");

      // Lasso a group of cells and save it as a cell set; its markers against the rest.
      await page.getByLabel("Colour by", { exact: true }).selectOption("cluster");
      await page.getByRole("button", { name: "Lasso select" }).click();
      const box = (await page.getByTestId("umap").locator("canvas").boundingBox())!;
      const corners: [number, number][] = [[0.3, 0.3], [0.7, 0.3], [0.7, 0.7], [0.3, 0.7], [0.3, 0.31]];
      await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
      await page.mouse.down();
      for (const [fx, fy] of corners) await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy, { steps: 10 });
      await page.mouse.up();
      await page.getByTestId("selection-summary").waitFor();
      await page.getByLabel(/^Name for the [\d,]+ selected cells$/).fill("Lassoed group");
      await page.getByRole("button", { name: "Save as cell set" }).click();
      await page.getByTestId("cell-set-row").getByText("Lassoed group").waitFor();
      await page.getByTestId("cellset-marker-table").locator("tbody tr").first().waitFor({ timeout: 120_000 });
      await shot(page, "09-run-cell-set-markers");

      // The set is named through the same review flow as a cluster: a proposal completed from the
      // Cell Ontology with a cited gene, the marker databases' suggestions for the set beside the
      // proposals, one adopted in one click and accepted.
      const setReview = page.getByTestId("cell-set-review");
      const form = setReview.locator("form", { has: page.getByRole("button", { name: "Propose", exact: true }) });
      await form.getByRole("combobox", { name: "Cell type" }).fill("T cell");
      await form.getByTestId("cell-type-option").getByText("CL:0000084", { exact: true }).click();
      await expect.poll(() => form.getByLabel("Cell Ontology id").inputValue()).toBe("CL:0000084");
      await form.getByLabel("Marker genes cited (optional)").fill("CD3E");
      await form.getByRole("button", { name: "Propose", exact: true }).click();
      await setReview.getByTestId("proposal-label").getByText("T cell", { exact: true }).waitFor();
      await setReview.getByTestId("cell-set-status").getByText("proposed").waitFor();
      const suggestion = setReview.getByTestId("suggestion").first();
      await suggestion.waitFor({ timeout: 120_000 });
      const suggested = await suggestion.getByTestId("suggestion-label").innerText();
      const suggestedId = /CL:\d{7}/.exec(await suggestion.innerText())![0];
      await shot(page, "10-run-cell-set-review");
      await setReview.screenshot({ path: join(shots.dir, "10b-cell-set-review-panel.png") });
      await suggestion.getByRole("button", { name: `Propose “${suggested}”` }).click();
      const adopted = setReview.getByTestId("proposal").filter({ has: page.getByTestId("proposal-label").getByText(suggested, { exact: true }) });
      await adopted.getByTestId("proposal-source").getByText("automated suggestion").waitFor();
      await adopted.getByRole("button", { name: `Accept “${suggested}”`, exact: true }).click();
      await setReview.getByTestId("cell-set-status").getByText("accepted").waitFor();
      await page.getByTestId("cell-set-row").getByTestId("cell-set-label").getByText(suggested, { exact: false }).waitFor();
      await setReview.getByTestId("history").getByText(`accepted “${suggested}”`, { exact: false }).waitFor();
      await shot(page, "11-run-cell-set-accepted");
      await setReview.screenshot({ path: join(shots.dir, "11b-cell-set-accepted-panel.png") });

      // The exported h5ad carries the set's accepted label in its own obs column, NA elsewhere.
      const setSize = Number((await page.getByTestId("cell-set-row").locator("td.num").innerText()).replace(/\D/g, ""));
      await page.getByTestId("export-h5ad").scrollIntoViewIfNeeded();
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-h5ad").click()]);
      const h5ad = join(tmp, "export.h5ad");
      await download.saveAs(h5ad);
      const script = `
import sys, json, warnings
warnings.simplefilter("ignore")
import anndata
a = anndata.read_h5ad(sys.argv[1])
c = a.obs["cell_set_Lassoed_group"]
print(json.dumps({"categories": c.cat.categories.tolist(), "labelled": int(c.notna().sum()), "cells": int(a.n_obs),
  "uns": {k: dict(v) for k, v in a.uns["scfnccl_annotation"]["cell_sets"].items()}}))
`;
      const { stdout } = await execFileP("/usr/bin/python3", ["-c", script, h5ad]);
      const obs = JSON.parse(stdout) as { categories: string[]; labelled: number; cells: number; uns: unknown };
      expect(obs).toMatchObject({ categories: [suggested], labelled: setSize, uns: { cell_set_Lassoed_group: { name: "Lassoed group", label: suggested, ontology_id: suggestedId } } });
      expect(obs.cells).toBeGreaterThan(setSize);

      // A 16-cluster run: its clusters have 16 different colours (the 9th no longer repeats the 1st).
      await startRun(page, datasetUrl, "kmeans", 16);
      await page.locator("[data-testid=umap][data-ready=true]").waitFor({ timeout: 120_000 });
      const colours = await page.locator("[data-testid^=cluster-button-]").evaluateAll((els) => els.map((e) => e.getAttribute("data-color")));
      expect(colours).toHaveLength(16);
      expect(new Set(colours).size).toBe(16);
      await shot(page, "12-run-16-clusters");
    } catch (err) {
      await shot(page, "failure").catch(() => undefined);
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- platform output ---\n${platform.output().slice(-3000)}`);
    } finally {
      await page.close();
    }
  }, 1_800_000);
});
