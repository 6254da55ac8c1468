/**
 * A dataset nobody has labelled, in a real browser (Debian's chromium, playwright-core) against the
 * embedded platform: the run form's K field says "estimated", a run with K blank succeeds, and the
 * run page shows the K evidence (each candidate K with its score, the chosen one marked).
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io } from "@scfnccl/engine";
import { sharedData } from "@scfnccl/engine/testing";
import { CHROMIUM, launchChromium, signUp } from "../support/browser.ts";
import { buildPlatform, REPO_ROOT, startWebPlatform, type WebPlatform } from "../support/web-platform.ts";

const SOURCE = sharedData("10X_PBMC_top2000.h5");
const SHOTS = join(REPO_ROOT, "test-results/screenshots");
const CELLS = 400;

let platform: WebPlatform;
let browser: Browser;
let tmp: string;

describe.skipIf(!existsSync(CHROMIUM) || !existsSync(SOURCE))("K estimated for an unlabelled dataset (browser)", () => {
  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    tmp = await mkdtemp(join(tmpdir(), "scfnccl-kest-"));
    // 400 PBMC cells as a CSV with no label column: what a lab's own table looks like.
    const data = await io.readDataset(SOURCE);
    const { indptr, indices, data: values } = data.counts;
    const lines = [["cell", ...data.genes].join(",")];
    for (let i = 0; i < CELLS; i++) {
      const row = new Array<number>(data.genes.length).fill(0);
      for (let e = indptr[i]!; e < indptr[i + 1]!; e++) row[indices[e]!] = values[e]!;
      lines.push([`cell${i}`, ...row].join(","));
    }
    await writeFile(join(tmp, "unlabelled.csv"), `${lines.join("\n")}\n`);
    await buildPlatform();
    platform = await startWebPlatform();
    browser = await launchChromium();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it("runs with K blank and shows the estimated K with its evidence", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    try {
      await signUp(page, platform.url, { name: "Kim", email: "kim@lab.org", team: "Unlabelled lab" });
      await page.getByRole("link", { name: "Unlabelled lab" }).click();
      await page.getByLabel("Dataset file").setInputFiles(join(tmp, "unlabelled.csv"));
      await page.getByRole("button", { name: "Upload", exact: true }).click();
      await page.getByRole("status").getByText(/Uploaded unlabelled\.csv: 400 cells/).waitFor({ timeout: 120_000 });
      await page.getByRole("link", { name: "unlabelled.csv" }).first().click();

      // k-means needs K; with no labels a blank K is estimated.
      await page.getByLabel("Method").selectOption("kmeans");
      const k = page.getByLabel("K", { exact: true });
      expect(await k.getAttribute("placeholder")).toBe("estimated");
      expect(await k.inputValue()).toBe("");
      await page.getByRole("button", { name: "Start run" }).click();
      await page.waitForURL(/\/runs\/[^/]+$/);
      await page.getByTestId("run-status").getByText("succeeded").waitFor({ timeout: 240_000 });

      const chart = page.getByTestId("k-selection-chart");
      await chart.waitFor();
      const chosen = Number(await chart.getAttribute("data-k"));
      expect(chosen).toBeGreaterThanOrEqual(2);
      await page.getByText(new RegExp(`^K = ${chosen} estimated without labels: the most stable k`)).waitFor();
      // The run's clusters are the estimated number, and the evidence lists every candidate with its score.
      await page.getByText(new RegExp(`^${chosen} clusters · 400 cells`)).waitFor();
      await page.getByText("Scores", { exact: true }).click();
      expect(await page.locator("figure", { has: chart }).locator("tr[aria-current=true] td").first().innerText()).toBe(String(chosen));
      expect(await page.getByTestId("k-selection-chart").locator("rect").count()).toBe(await page.locator("figure", { has: page.getByTestId("k-selection-chart") }).locator("tbody tr").count());
      await page.screenshot({ path: join(SHOTS, "k-estimated-run.png"), fullPage: true });
    } finally {
      await context.close();
    }
  }, 600_000);
});
