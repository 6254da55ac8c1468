/**
 * What every browser test does the same way: launch Debian's chromium (playwright-core) with
 * SwiftShader for the WebGL scatter, sign up or sign in through the forms, and keep screenshots in
 * a folder under test-results/ (ignored by git) that the test prints.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { REPO_ROOT } from "./web-platform.ts";

export const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
export const PASSWORD = "correct horse battery";

/** Headless chromium; SwiftShader gives it WebGL without a GPU (the UMAP is a WebGL scatter). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"] });
}

/** Creates an account through /signup (and a team, when named); resolves once the teams page names the user. */
export async function signUp(page: Page, baseUrl: string, user: { name: string; email: string; password?: string; team?: string }): Promise<void> {
  await page.goto(`${baseUrl}/signup`);
  await page.getByLabel("Name").fill(user.name);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password ?? PASSWORD);
  if (user.team) await page.getByLabel("New team (optional)").fill(user.team);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { name: "Teams" }).waitFor();
  await page.getByTestId("viewer-name").getByText(user.name).waitFor();
}

/**
 * Signs in through /signin; resolves once the top bar names the user, which must happen within
 * `nameWithinMs` of the click (the page never shows "Sign in" to a signed-in user for long).
 */
export async function signIn(page: Page, baseUrl: string, user: { name: string; email: string; password?: string }, nameWithinMs = 60_000): Promise<void> {
  await page.goto(`${baseUrl}/signin`);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password ?? PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("viewer-name").getByText(user.name).waitFor({ timeout: nameWithinMs });
}

/** A folder of full-page screenshots, test-results/screenshots/<name>, printed when made. */
export async function screenshotFolder(name: string): Promise<{ dir: string; shot(page: Page, file: string): Promise<string> }> {
  const dir = join(REPO_ROOT, "test-results/screenshots", name);
  await mkdir(dir, { recursive: true });
  console.log(`[screenshots] ${dir}`);
  return {
    dir,
    async shot(page, file) {
      const path = join(dir, `${file}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
  };
}
