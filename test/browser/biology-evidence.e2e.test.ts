/**
 * What a biologist needs to name a cell type, in a real browser (Debian's chromium driven by
 * playwright-core) on the embedded platform's pbmc3k demo: the demo user signs in, runs the
 * Seurat-style method, and finds the evidence on the run page: the B-cell cluster's filtered markers
 * name MS4A1 or CD79A and the CD14+ monocytes' LYZ or CD14 (clusters found by their majority
 * `cell_type`); the UMAP coloured by NKG7 is highest in the NK cluster; the dot plot has every
 * cluster × every shown gene; % mitochondrial counts overlay the UMAP with a violin per cluster; a
 * lasso selection saved as a cell set gets its markers against the rest; a 16-cluster run gives its
 * clusters 16 different colours. Screenshots of every page go to test-results/screenshots/biology-*.png.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPlatform, REPO_ROOT, startWebPlatform, type WebPlatform } from "../support/web-platform.ts";

const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
const SHOTS = join(REPO_ROOT, "test-results/screenshots");
const DEMO = { email: "demo@scfnccl.local", password: "demo-password" };

let platform: WebPlatform;
let browser: Browser;
let context: BrowserContext;
let tmp: string;

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `biology-${name}.png`), fullPage: true });
}

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
  await page.getByTestId("run-status").getByText("succeeded").waitFor({ timeout: 300_000 });
  return url;
}

describe.skipIf(!existsSync(CHROMIUM))("the evidence to name a cell type, on the pbmc3k demo (browser)", () => {
  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    tmp = await mkdtemp(join(tmpdir(), "scfnccl-biology-"));
    await buildPlatform();
    platform = await startWebPlatform({ DEMO: "true" });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"] });
    context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
    context.setDefaultTimeout(60_000);
  }, 400_000);

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
      await page.getByLabel("Email").fill(DEMO.email);
      await page.getByLabel("Password").fill(DEMO.password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByTestId("viewer-name").getByText("Demo user").waitFor({ timeout: 2_000 });
      await page.getByRole("link", { name: "Demo team" }).waitFor();
      await page.waitForFunction((t) => document.title === t, "Your teams · scFNCCL");
      await shot(page, "01-teams");

      // Another team's (or a missing) object: said so, with a way back.
      await page.goto(`${platform.url}/runs/00000000-0000-4000-8000-000000000000`);
      await page.getByTestId("not-found").getByRole("link", { name: "Your teams" }).click();
      await page.getByRole("link", { name: "Demo team" }).click();
      await page.getByRole("heading", { name: "Demo team" }).waitFor();
      await page.waitForFunction((t) => document.title === t, "Demo team (team) · scFNCCL");
      await shot(page, "02-team");
      await page.locator("table a[href^='/datasets/']").first().click();
      await page.getByTestId("dataset-cells").waitFor();
      const datasetUrl = page.url();
      await shot(page, "03-dataset");

      // The Seurat-style method; then the clusters found by their majority cell type.
      const runUrl = await startRun(page, datasetUrl, "seurat");
      const runId = runUrl.split("/").pop()!;
      await page.locator("[data-testid=umap][data-ready=true]").waitFor({ timeout: 120_000 });
      const bCluster = await clusterOf(page, runId, "B");
      const monoCluster = await clusterOf(page, runId, "CD14+ Mono");
      const nkCluster = await clusterOf(page, runId, "NK");
      const nClusters = await page.locator("[data-testid^=cluster-button-]").count();

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
      await shot(page, "04-run-nkg7");

      // QC overlay: % mitochondrial counts on the UMAP and per cluster.
      await page.getByLabel("Colour by", { exact: true }).selectOption("pct_counts_mt");
      await page.locator("[data-testid=umap][data-coloring='% mitochondrial counts']").waitFor();
      await page.getByTestId("violin").waitFor();

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
      await shot(page, "05-run-cell-set");

      // A 16-cluster run: its clusters have 16 different colours (the 9th no longer repeats the 1st).
      await startRun(page, datasetUrl, "kmeans", 16);
      await page.locator("[data-testid=umap][data-ready=true]").waitFor({ timeout: 120_000 });
      const colours = await page.locator("[data-testid^=cluster-button-]").evaluateAll((els) => els.map((e) => e.getAttribute("data-color")));
      expect(colours).toHaveLength(16);
      expect(new Set(colours).size).toBe(16);
      await shot(page, "06-run-16-clusters");
    } catch (err) {
      await shot(page, "failure").catch(() => undefined);
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- platform output ---\n${platform.output().slice(-3000)}`);
    } finally {
      await page.close();
    }
  }, 900_000);
});
