/**
 * Naming cell types in a real browser (Debian's chromium, playwright-core) on the embedded
 * platform, with PBMC 3k (gene symbols): Alice (owner) uploads it (organism guessed: human) and
 * clusters it (Seurat); she adopts the marker databases' top suggestion for a cluster; Bob (editor)
 * disagrees; Alice's page shows the self-accept guard before any click and she accepts with a
 * recorded owner override; she searches the Cell Ontology in the proposal form (the definition shows,
 * label and id fill); the CAS export validates against the shipped schema and carries the review.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateCas, type CasDocument } from "@scfnccl/annotation";
import { io, pp } from "@scfnccl/engine";
import { sharedData } from "@scfnccl/engine/testing";
import { type Browser, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, launchChromium, signUp } from "../support/browser.ts";
import { buildPlatform, REPO_ROOT, startWebPlatform, type WebPlatform } from "../support/web-platform.ts";

const PBMC = sharedData("pbmc3k", "filtered_feature_bc_matrix");
const SHOTS = join(REPO_ROOT, "test-results/screenshots");
// Every third cell: enough for the Seurat pipeline to find PBMC's types, quick to upload and cluster.
const STRIDE = 3;

let platform: WebPlatform;
let browser: Browser;
let tmp: string;
let file: string;
const contexts: BrowserContext[] = [];

describe.skipIf(!existsSync(CHROMIUM) || !existsSync(PBMC))("cell-type names in a browser (embedded platform)", () => {
  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    tmp = await mkdtemp(join(tmpdir(), "scfnccl-names-"));
    // An h5ad of PBMC 3k with its gene symbols as a var column, as a user would upload it.
    const data = await io.readDataset(PBMC);
    const keep = Int32Array.from({ length: Math.ceil(data.cells.length / STRIDE) }, (_, i) => i * STRIDE);
    file = join(tmp, "pbmc3k.h5ad");
    const symbols = data.geneNameColumn ? data.geneColumns![data.geneNameColumn]! : data.genes;
    await io.writeH5ad(file, { counts: pp.csrSubset(data.counts, keep, null), cells: Array.from(keep, (i) => data.cells[i]!), genes: data.genes, var: { gene_symbols: symbols }, obs: {} });
    await buildPlatform();
    platform = await startWebPlatform();
    browser = await launchChromium();
  }, 400_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await platform?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it("adopts a suggestion, shows the self-accept guard, accepts with an owner override, completes from the ontology and exports CAS", async () => {
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
    await signUp(alice, platform.url, { name: "Alice", email: "alice@blood.org", team: "Blood lab" });
    await signUp(bob, platform.url, { name: "Bob", email: "bob@blood.org" });
    await alice.getByRole("link", { name: "Blood lab" }).click();
    // Bob joins by accepting Alice's invitation (on his Teams page); Alice's members list follows live.
    await alice.getByLabel("Email to invite").fill("bob@blood.org");
    await alice.getByLabel("Role", { exact: true }).selectOption("EDITOR");
    await alice.getByRole("button", { name: "Invite", exact: true }).click();
    await alice.getByRole("status").getByText("Invitation sent to bob@blood.org.").waitFor();
    await bob.goto(`${platform.url}/teams`);
    await bob.getByRole("button", { name: "Accept the invitation to Blood lab" }).click();
    await bob.getByRole("link", { name: "Blood lab" }).waitFor();
    await alice.getByRole("table", { name: "Members of Blood lab" }).getByRole("cell", { name: "bob@blood.org" }).waitFor();

    // Upload, organism left to the guess (upper-case symbols: human), then a Seurat run.
    await alice.getByLabel("Dataset file").setInputFiles(file);
    await alice.getByRole("button", { name: "Upload", exact: true }).click();
    await alice.getByRole("status").getByText(/Uploaded pbmc3k\.h5ad/).waitFor({ timeout: 120_000 });
    await alice.getByRole("link", { name: "pbmc3k.h5ad" }).first().click();
    await expect.poll(() => alice.getByTestId("dataset-organism").inputValue()).toBe("HUMAN");
    await alice.getByLabel("Method").selectOption("seurat");
    await alice.getByRole("button", { name: "Start run" }).click();
    await alice.waitForURL(/\/runs\/[^/]+$/);
    const runUrl = alice.url();
    await alice.getByTestId("run-status").getByText("succeeded").waitFor({ timeout: 300_000 });

    // Cluster 0's suggestions: the top 3 with their evidence; Alice adopts the first.
    const review = alice.getByTestId("cluster-review");
    const suggestions = review.getByTestId("suggestion");
    await suggestions.first().waitFor({ timeout: 60_000 });
    expect(await suggestions.count()).toBeGreaterThanOrEqual(1);
    expect(await suggestions.count()).toBeLessThanOrEqual(3);
    await expect.poll(() => suggestions.first().innerText()).toMatch(/Up here: .*log2FC/);
    const adopted = (await suggestions.first().getByTestId("suggestion-label").innerText()).trim();
    await alice.screenshot({ path: join(SHOTS, "names-01-suggestions.png"), fullPage: true });
    await suggestions.first().getByRole("button", { name: `Propose “${adopted}”` }).click();
    await review.getByTestId("proposal-source").getByText("automated suggestion").waitFor();
    await review.getByTestId("proposal-label").getByText(adopted, { exact: true }).waitFor();

    // Bob disagrees.
    await bob.goto(runUrl);
    const bobReview = bob.getByTestId("cluster-review");
    await bobReview.getByTestId("proposal-label").getByText(adopted, { exact: true }).waitFor();
    await bobReview.getByRole("button", { name: "Disagree…" }).click();
    await bob.getByLabel("Why do you disagree?").fill("Look at the second suggestion's genes too.");
    await bob.getByRole("button", { name: "Submit disagreement" }).click();
    await bobReview.getByTestId("vote-counts").getByText("0 agree, 1 disagree").waitFor();

    // Alice's page says, before any click, that she needs an owner override; she gives one.
    await review.getByTestId("vote-counts").getByText("0 agree, 1 disagree").waitFor();
    await review.getByTestId("accept-guard").getByText(/You proposed this label and 1 reviewer disagrees: as an owner you may accept it only with a recorded override reason/).waitFor();
    expect(await review.getByRole("button", { name: `Accept “${adopted}”`, exact: true }).count()).toBe(0);
    await review.getByLabel("Override reason (recorded in the history)").fill("The top markers are unambiguous; discussed with Bob.");
    await alice.screenshot({ path: join(SHOTS, "names-02-self-accept-guard.png"), fullPage: true });
    await review.getByRole("button", { name: `Accept “${adopted}” with owner override` }).click();
    await review.getByTestId("cluster-status").getByText("accepted").waitFor();
    await review.getByTestId("override-reason").getByText(/The top markers are unambiguous/).waitFor();
    await bobReview.getByTestId("cluster-status").getByText("accepted").waitFor();

    // The proposal form completes from the Cell Ontology: the definition shows, label and id fill.
    const form = review.locator("form", { has: alice.getByRole("button", { name: "Propose", exact: true }) });
    await form.getByRole("combobox", { name: "Cell type" }).fill("monocyte");
    const option = form.getByTestId("cell-type-option").first();
    await option.getByText("CL:0000576").waitFor();
    await expect.poll(() => option.innerText()).toMatch(/Myeloid mononuclear recirculating leukocyte/);
    await alice.screenshot({ path: join(SHOTS, "names-03-ontology-autocomplete.png"), fullPage: true });
    await option.click();
    await expect.poll(() => form.getByLabel("Cell Ontology id").inputValue()).toBe("CL:0000576");
    await form.getByTestId("cell-type-definition").getByText(/monocyte.*Myeloid mononuclear/).waitFor();
    await form.getByRole("button", { name: "Propose", exact: true }).click();
    await review.getByTestId("proposal-label").getByText("monocyte", { exact: true }).waitFor();

    // The CAS export: valid against the shipped schema, with the review, the override and the automation.
    await alice.getByTestId("cas-export").scrollIntoViewIfNeeded();
    const [download] = await Promise.all([alice.waitForEvent("download"), alice.getByTestId("cas-export").click()]);
    const path = join(tmp, "run.cas.json");
    await download.saveAs(path);
    const doc = JSON.parse(readFileSync(path, "utf8")) as CasDocument;
    expect(validateCas(doc)).toEqual([]);
    const accepted = doc.annotations.find((a) => a.labelset === "accepted" && a.cell_label === adopted)!;
    expect(accepted.automated_annotation?.algorithm_name).toMatch(/marker-database suggestion/);
    expect(accepted.reviews).toEqual([expect.objectContaining({ reviewer: "Bob <bob@blood.org>", review: "Disagree", explanation: "Look at the second suggestion's genes too." })]);
    expect(accepted.cell_ids!.length).toBeGreaterThan(0);
    expect(doc.annotations.some((a) => a.labelset === "proposed" && a.cell_ontology_term_id === "CL:0000576")).toBe(true);
    await alice.getByTestId("composition").getByText(adopted).first().waitFor();
    await alice.screenshot({ path: join(SHOTS, "names-04-composition-cas.png"), fullPage: true });
  }, 900_000);
});
