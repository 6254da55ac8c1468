/**
 * The web app end to end in a real browser (Debian's chromium driven by playwright-core), against
 * the platform on the embedded default: two users in two browser contexts. Alice signs up with a
 * team, adds Bob, uploads a dataset and trains a few epochs while watching progress; both see the
 * UMAP; Alice proposes a cell type for a cluster, Bob sees it appear live and disagrees with a
 * comment, Alice revises, Bob agrees and (an editor) accepts; the history shows every step; a
 * stale edit gets the conflict message; the exported h5ad carries the accepted label (anndata).
 * Screenshots of the main pages go to test-results/screenshots.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, launchChromium, signUp } from "../support/browser.ts";
import { buildPlatform, REPO_ROOT, startWebPlatform, type WebPlatform } from "../support/web-platform.ts";
import { sharedData } from "@scfnccl/engine/testing";

// 274 cells × 28,204 genes, three cell lines in obs.cell_type: small enough to train in seconds.
const DATASET = sharedData("formats", "CellBench_sc_celseq2.h5ad");
const SHOTS = join(REPO_ROOT, "test-results/screenshots");
const EPOCHS = 3;
const run = promisify(execFile);

let platform: WebPlatform;
let browser: Browser;
let tmp: string;
const contexts: BrowserContext[] = [];

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** The review panel of the selected cluster. */
const review = (page: Page) => page.getByTestId("cluster-review");

/** The dataset of the run page at `runUrl`, read from its breadcrumb link. */
async function datasetIdOf(page: Page, runUrl: string): Promise<string> {
  if (page.url() !== runUrl) await page.goto(runUrl);
  const href = await page.getByRole("link", { name: "CellBench_sc_celseq2.h5ad" }).getAttribute("href");
  return href!.split("/").pop()!;
}

async function waitForText(page: Page, text: string | RegExp, within = review(page)): Promise<void> {
  await within.getByText(text).first().waitFor();
}

describe.skipIf(!existsSync(CHROMIUM) || !existsSync(DATASET))("web app in a browser (embedded platform)", () => {
  beforeAll(async () => {
    await rm(SHOTS, { recursive: true, force: true });
    await mkdir(SHOTS, { recursive: true });
    tmp = await mkdtemp(join(tmpdir(), "scfnccl-browser-"));
    await buildPlatform();
    platform = await startWebPlatform();
    // SwiftShader gives headless chromium WebGL without a GPU (the UMAP is a WebGL scatter).
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await platform?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it("two users train, review and accept a cell type live; conflicts are caught; the export carries the label", async () => {
    const newPage = async () => {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
      context.setDefaultTimeout(60_000);
      contexts.push(context);
      const page = await context.newPage();
      page.on("pageerror", (err) => console.error(`[browser] ${err.message}`));
      return page;
    };
    const alice = await newPage();
    const bob = await newPage();

    try {
      // Accounts: Alice creates the team, Bob joins it as an editor.
      await signUp(alice, platform.url, { name: "Alice", email: "alice@lab.org", team: "Lung lab" });
      await signUp(bob, platform.url, { name: "Bob", email: "bob@lab.org" });
      await alice.getByRole("link", { name: "Lung lab" }).click();
      await alice.getByRole("heading", { name: "Lung lab" }).waitFor();
      // Bob joins by accepting Alice's invitation (on his Teams page); Alice's members list follows live.
      await alice.getByLabel("Email to invite").fill("bob@lab.org");
      await alice.getByLabel("Role", { exact: true }).selectOption("EDITOR");
      await alice.getByRole("button", { name: "Invite", exact: true }).click();
      await alice.getByRole("status").getByText("Invitation sent to bob@lab.org.").waitFor();
      await bob.goto(`${platform.url}/teams`);
      await bob.getByRole("button", { name: "Accept the invitation to Lung lab" }).click();
      await bob.getByRole("link", { name: "Lung lab" }).waitFor();
      await alice.getByRole("table", { name: "Members of Lung lab" }).getByRole("cell", { name: "bob@lab.org" }).waitFor();

      // Upload with its progress bar, then the dataset's page.
      // The upload is throttled to 2 MB/s (as over a slow link) so that its progress bar shows.
      const cdp = await alice.context().newCDPSession(alice);
      await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 2 * 1024 * 1024 });
      await alice.getByLabel("Dataset file").setInputFiles(DATASET);
      await alice.getByRole("button", { name: "Upload", exact: true }).click();
      await alice.getByText(/^Uploading… \d+% \(.* of 6\.1 MiB\)$/).waitFor();
      await shot(alice, "01-upload-progress");
      await alice.getByRole("status").getByText(/Uploaded CellBench_sc_celseq2\.h5ad: 274 cells × 28,204 genes/).waitFor();
      await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
      await shot(alice, "02-team-datasets-members");
      await alice.getByRole("link", { name: "CellBench_sc_celseq2.h5ad" }).first().click();
      await alice.getByTestId("dataset-cells").getByText("274").waitFor();
      await alice.getByText("Genes per cell").first().waitFor();
      await shot(alice, "03-dataset-qc-run-form");

      // A short run, watched live: the progress bar and the loss curve move with each epoch.
      await alice.getByLabel("Epochs", { exact: true }).fill(String(EPOCHS));
      await alice.getByRole("button", { name: "Start run" }).click();
      await alice.waitForURL(/\/runs\/[^/]+$/);
      const runUrl = alice.url();
      await alice.waitForFunction(() => Number(document.querySelector<HTMLProgressElement>("[data-testid=run-progress]")?.value ?? 0) >= 1, undefined, { timeout: 180_000 });
      await alice.getByTestId("loss-chart").waitFor();
      await shot(alice, "04-run-progress");
      await alice.getByTestId("run-status").getByText("succeeded").waitFor({ timeout: 240_000 });

      // Both see the UMAP (drawn by WebGL once the per-cell file has loaded).
      await bob.goto(runUrl);
      for (const p of [alice, bob]) await p.locator("[data-testid=umap][data-ready=true]").waitFor({ timeout: 120_000 });
      expect(await alice.getByTestId("umap").getAttribute("data-points")).toBe("274");
      await alice.getByTestId("metrics").waitFor();

      // One selection: a legend entry selects its cluster in the list, the review panel and the UMAP;
      // the lasso selects what it encloses.
      const legend = alice.getByRole("list", { name: /^Legend/ });
      await legend.getByRole("button", { name: "Cluster 1", exact: true }).click();
      await alice.locator("[data-testid=cluster-button-1][aria-pressed=true]").waitFor();
      await alice.locator("[data-testid=review-panel][data-cluster='1']").waitFor();
      const size1 = Number((await alice.getByTestId("cluster-button-1").locator(".muted").innerText()).replace(/,/g, ""));
      await alice.locator(`[data-testid=umap][data-selected='${size1}']`).waitFor();
      await alice.getByRole("button", { name: "Clear selection" }).click();
      await alice.locator("[data-testid=umap][data-selected='0']").waitFor();
      await alice.getByRole("button", { name: "Lasso select" }).click();
      const box = (await alice.getByTestId("umap").locator("canvas").boundingBox())!;
      const corners: [number, number][] = [[0.05, 0.05], [0.95, 0.05], [0.95, 0.95], [0.05, 0.95], [0.05, 0.06]];
      await alice.mouse.move(box.x + box.width * 0.05, box.y + box.height * 0.05);
      await alice.mouse.down();
      for (const [fx, fy] of corners) await alice.mouse.move(box.x + box.width * fx, box.y + box.height * fy, { steps: 12 });
      await alice.mouse.up();
      // The lasso's corners lie just inside the plot's margins, so most but not all cells are in it.
      const lassoed = alice.getByTestId("selection-summary").getByText(/^Lasso selection: \d+ cells — Cluster \d+ \d+, Cluster \d+ \d+, Cluster \d+ \d+$/);
      await lassoed.waitFor();
      expect(Number((await lassoed.innerText()).split(" ")[2])).toBeGreaterThan(150);
      await shot(alice, "05-run-results-umap-lasso");

      // Alice proposes a label for cluster 0; Bob's page shows it without a reload.
      await alice.getByTestId("cluster-button-0").click();
      await bob.getByTestId("cluster-button-0").click();
      await alice.getByLabel("Cell type").fill("H1975");
      await alice.getByLabel("Marker genes cited (optional)").fill("ENSG00000111640");
      await alice.getByLabel("Evidence (optional)").fill("Top markers match the H1975 line.");
      await alice.getByRole("button", { name: "Propose" }).click();
      await waitForText(bob, "H1975");
      await bob.getByTestId("cluster-status").getByText("proposed").waitFor();

      // Bob disagrees with a reason and comments on the proposal.
      await bob.getByRole("button", { name: "Disagree…" }).click();
      await bob.getByLabel("Why do you disagree?").fill("EGFR-high: this looks like HCC827.");
      await bob.getByRole("button", { name: "Submit disagreement" }).click();
      await bob.getByTestId("vote-counts").getByText("0 agree, 1 disagree").waitFor();
      await bob.getByRole("textbox", { name: "Comment", exact: true }).fill("Compare with the HCC827 markers before deciding.");
      await bob.getByLabel("About").selectOption({ label: "the proposal “H1975”" });
      await bob.getByRole("button", { name: "Post comment" }).click();
      await waitForText(alice, "Compare with the HCC827 markers before deciding.");
      await alice.getByTestId("vote-counts").getByText("0 agree, 1 disagree").waitFor();
      await shot(bob, "06-review-disagreement");

      // Alice revises; Bob sees the new label live, agrees, and accepts it (he is an editor).
      await alice.getByRole("button", { name: "Revise" }).click();
      await alice.getByLabel("Cell type").first().fill("HCC827");
      await alice.getByRole("button", { name: "Save revision" }).click();
      await bob.getByTestId("proposal-label").getByText("HCC827").waitFor();
      await bob.getByRole("button", { name: "Agree", exact: true }).click();
      await bob.getByTestId("vote-counts").getByText("1 agree, 0 disagree").waitFor();
      await bob.getByRole("button", { name: "Accept “HCC827”" }).click();
      for (const p of [alice, bob]) await p.getByTestId("cluster-status").getByText("accepted").waitFor();

      // The history holds every step, in order, on both pages.
      const expected = [/Alice proposed “H1975”/, /Bob voted disagree on “H1975”: EGFR-high/, /Bob commented: Compare with the HCC827/, /Alice revised “H1975” to “HCC827”/, /Bob voted agree on “HCC827”/, /Bob accepted “HCC827”/];
      for (const p of [alice, bob]) for (const line of expected) await p.getByTestId("history").getByText(line).first().waitFor();
      const lines = await alice.getByTestId("history").locator("li").allInnerTexts();
      const order = expected.map((re) => lines.findIndex((l) => re.test(l)));
      expect(order, lines.join("\n")).toEqual([...order].sort((a, b) => a - b));
      await alice.getByLabel("Colour by").selectOption("annotation");
      await alice.getByRole("list", { name: /^Legend/ }).getByRole("button", { name: "HCC827", exact: true }).waitFor();
      await shot(alice, "07-review-accepted-history");

      // A stale edit: Alice starts revising, Bob comments meanwhile, Alice's save is refused.
      const versionBefore = Number(await alice.getByTestId("cluster-review").getAttribute("data-version"));
      await alice.getByRole("button", { name: "Revise" }).click();
      await alice.getByLabel("Evidence (optional)").first().fill("EGFR and KRT markers.");
      await bob.getByRole("textbox", { name: "Comment", exact: true }).fill("Agreed, well done.");
      await bob.getByLabel("About").selectOption({ label: "the cluster" });
      await bob.getByRole("button", { name: "Post comment" }).click();
      await alice.waitForFunction((v) => Number(document.querySelector("[data-testid=cluster-review]")?.getAttribute("data-version")) > v, versionBefore);
      await alice.getByRole("button", { name: "Save revision" }).click();
      await alice.getByTestId("conflict-message").getByText(/Conflict: a teammate changed this cluster/).waitFor();
      await shot(alice, "08-conflict");

      // The h5ad export carries the accepted label on cluster 0's cells and nothing elsewhere.
      const [download] = await Promise.all([bob.waitForEvent("download"), bob.getByTestId("export-h5ad").click()]);
      const h5ad = join(tmp, "export.h5ad");
      await download.saveAs(h5ad);
      const script = [
        "import anndata, json, sys",
        "a = anndata.read_h5ad(sys.argv[1])",
        "ct = a.obs['cell_type'].astype(object).where(a.obs['cell_type'].notna(), None)",
        "cl = a.obs['cluster'].astype(str)",
        "print(json.dumps({'n': int(a.n_obs), 'by_cluster': {c: sorted({str(v) for v in ct[cl == c]}) for c in sorted(set(cl))}}))",
      ].join("\n");
      const { stdout } = await run("/usr/bin/python3", ["-c", script, h5ad]);
      const result = JSON.parse(stdout) as { n: number; by_cluster: Record<string, string[]> };
      expect(result.n).toBe(274);
      expect(result.by_cluster["0"]).toEqual(["HCC827"]);
      for (const [c, labels] of Object.entries(result.by_cluster)) if (c !== "0") expect(labels).toEqual(["None"]);

      // A second run of the same dataset by another method (k-means on PCs): copy the accepted label onto it by cell overlap, then
      // compare the two runs (metrics side by side and their agreement).
      await alice.goto(`${platform.url}/datasets/${await datasetIdOf(alice, runUrl)}`);
      await alice.getByLabel("Method").selectOption("kmeans");
      await alice.getByLabel("Seed", { exact: true }).fill("1");
      await alice.getByRole("button", { name: "Start run" }).click();
      await alice.waitForURL((u) => /\/runs\/[^/]+$/.test(u.pathname) && u.href !== runUrl);
      await alice.getByTestId("run-status").getByText("succeeded").waitFor({ timeout: 240_000 });
      await alice.getByRole("button", { name: "Copy labels" }).click();
      await alice.getByRole("cell", { name: "HCC827" }).first().waitFor();
      await alice.getByText(/— HCC827\?/).first().waitFor();
      await shot(alice, "09-second-run-copied-labels");
      await alice.getByRole("link", { name: "CellBench_sc_celseq2.h5ad" }).click();
      await alice.getByRole("checkbox", { name: /^Compare run scfnccl seed 0/ }).check();
      await alice.getByRole("checkbox", { name: /^Compare run kmeans seed 1/ }).check();
      await alice.getByRole("button", { name: "Compare 2 runs" }).click();
      await alice.getByTestId("compare-table").waitFor();
      await alice.getByTestId("agreement").getByText(/ARI \d\.\d{3} · NMI \d\.\d{3} over 274 cells/).waitFor();
      await shot(alice, "10-compare-agreement");

      // An API token for a notebook: shown once, works as Alice against /graphql, stops working once revoked.
      await alice.getByRole("link", { name: "API tokens" }).click();
      await alice.getByLabel("Token name").fill("notebook");
      await alice.getByRole("button", { name: "Create token" }).click();
      const secret = (await alice.getByTestId("token-secret").innerText()).trim();
      await alice.getByTestId("token-row").getByText("notebook").waitFor();
      await shot(alice, "11-api-token");
      const asToken = async () => {
        const res = await fetch(`${platform.url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
          body: JSON.stringify({ query: "{ viewer { email } }" }),
        });
        return ((await res.json()) as { data?: { viewer: { email: string } | null } }).data?.viewer?.email ?? null;
      };
      expect(await asToken()).toBe("alice@lab.org");
      alice.once("dialog", (d) => void d.accept());
      await alice.getByTestId("token-row").getByRole("button", { name: "Revoke" }).click();
      await alice.getByText("No tokens yet.").waitFor();
      expect(await asToken()).toBeNull();
    } catch (err) {
      await shot(alice, "failure-alice").catch(() => undefined);
      await shot(bob, "failure-bob").catch(() => undefined);
      throw new Error(`${(err as Error).message}\n--- platform output ---\n${platform.output()}`, { cause: err });
    }
  }, 420_000);
});
