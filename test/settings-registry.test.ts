/**
 * One source for run settings: a default and a bound changed in the engine registry reach the
 * CLI's --help, the API's validation (the function createRun calls) and Query.methods, from which
 * the web form is built, with no other edit.
 */
import { tl } from "@scfnccl/engine";
import { main } from "../packages/engine/src/cli/main.ts";
import { afterEach, describe, expect, it } from "vitest";
import { listMethods } from "../apps/api/src/services/runs.ts";

const epochs = (tl.CLUSTER_METHODS.scfnccl.settings as tl.MethodSettings)["epochs"] as { default: number; max: number };
const saved = { ...epochs };

afterEach(() => Object.assign(epochs, saved));

describe("the method registry is the one source of run settings", () => {
  it("a changed default and bound show in --help, Query.methods and the API's validation", async () => {
    epochs.default = 123;
    epochs.max = 150;

    let help = "";
    expect(await main(["--help"], { stdout: { write: (s: string) => (help += s) }, stderr: { write: () => true } })).toBe(0);
    expect(help).toMatch(/^ {6}epochs \[123\] ≥1 ≤150 {2}Training epochs$/m);

    const scfnccl = listMethods().find((m) => m.name === "scfnccl")!;
    expect(scfnccl.settings.find((s) => s.name === "epochs")).toMatchObject({ type: "integer", default: 123, min: 1, max: 150 });

    expect(() => tl.resolveRunSettings("scfnccl", { epochs: 151 })).toThrow("setting epochs of method scfnccl must be an integer ≥ 1 and ≤ 150 (got 151)");
    expect(tl.resolveRunSettings("scfnccl", { epochs: 150 }).settings).toEqual({ epochs: 150 });
  });
});
