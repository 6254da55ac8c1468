import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as en from "@zxcvbn-ts/language-en";
import { invalid } from "../errors.ts";

/**
 * zxcvbn's score 3 ("safely unguessable: moderate protection from an offline slow-hash attack");
 * 2 and below is within reach of a guesser holding the argon2 hash.
 */
export const MIN_PASSWORD_SCORE = 3;

let factory: ZxcvbnFactory | null = null;
// Built on first use: the dictionaries take about 150 ms to index.
const estimator = () => (factory ??= new ZxcvbnFactory({ dictionary: { ...common.dictionary, ...en.dictionary }, graphs: common.adjacencyGraphs, translations: en.translations }));

/**
 * Throws INVALID_INPUT (field `field`) when `password` is common or easy to guess; `related` are
 * the account's own words (e-mail address, name), which count as guessable too.
 */
export function assertStrongPassword(password: string, related: string[] = [], field = "password"): void {
  // Whole strings only match whole, so the e-mail's local part and each name word go in too.
  const words = related.flatMap((r) => [r, ...r.split(/[@\s]+/)]).filter((w) => w.length >= 3);
  const result = estimator().check(password, words);
  if (result.score >= MIN_PASSWORD_SCORE) return;
  const why = result.feedback.warning ?? "it is too easy to guess";
  throw invalid(`password is too weak: ${why.replace(/\.$/, "").toLowerCase()}; add words or characters that are not a common pattern`, field);
}
