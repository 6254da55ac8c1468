import { describe, expect, it } from "vitest";
import { InputError } from "../errors.ts";
import { CLUSTER_METHODS, parseMethodSettings } from "./cluster.ts";
import { checkSettings, parseSettingPairs, SettingError, settingsFrom } from "./settings.ts";

describe("method settings", () => {
  it("parses numbers as numbers (Infinity included) and anything else as text", () => {
    expect(parseSettingPairs(["phi=Infinity", "learningRate=1e-3", "embedding=h", "temperature= 0.2 "])).toEqual({
      phi: Infinity,
      learningRate: 0.001,
      embedding: "h",
      temperature: 0.2,
    });
  });

  it("refuses a pair without a name or a value", () => {
    expect(() => parseSettingPairs(["=3"])).toThrow(/--set takes name=value \(got '=3'\)/);
    expect(() => parseSettingPairs(["phi="])).toThrow(InputError);
    expect(() => parseSettingPairs(["phi"])).toThrow(InputError);
  });

  it("derives settings from a defaults object: numbers, string choices, no arrays, omissions; each described and bounded", () => {
    const s = settingsFrom({ epochs: 5, embedding: "z", encoderDims: [1, 2], seed: 3 }, { embedding: ["h", "z"] }, ["seed"]);
    expect(Object.keys(s)).toEqual(["epochs", "embedding"]);
    expect(s["epochs"]).toMatchObject({ type: "integer", default: 5, min: 1, max: 2000 });
    expect(s["embedding"]).toMatchObject({ type: "choice", default: "z", choices: ["h", "z"] });
    expect(() => settingsFrom({ undocumented: 1 })).toThrow("setting undocumented has no entry in SETTING_INFO");
  });

  it("refuses a number outside the setting's bounds or a fraction where an integer belongs, naming both", () => {
    const accepted = settingsFrom({ epochs: 5, learningRate: 0.2, phi: 0.95 });
    expect(() => checkSettings("m", accepted, { epochs: 0 })).toThrow("setting epochs of method m must be an integer ≥ 1 and ≤ 2000 (got 0)");
    expect(() => checkSettings("m", accepted, { epochs: 2.5 })).toThrow(SettingError);
    expect(() => checkSettings("m", accepted, { learningRate: 0 })).toThrow("setting learningRate of method m must be a number > 0 and ≤ 10 (got 0)");
    // φ off (Infinity) is allowed; below −1 no cosine can reach it.
    expect(() => checkSettings("m", accepted, { phi: Infinity })).not.toThrow();
    expect(() => checkSettings("m", accepted, { phi: -2 })).toThrow("must be a number ≥ -1");
  });

  it("names the method and its settings when a setting is unknown, mistyped or outside its choices", () => {
    const accepted = settingsFrom({ learningRate: 0.2, embedding: "z" }, { embedding: ["h", "z"] });
    expect(() => checkSettings("m", accepted, { learningRat: 1 })).toThrow("method m has no setting 'learningRat' (its settings: learningRate, embedding)");
    expect(() => checkSettings("m", accepted, { learningRate: "fast" })).toThrow("setting learningRate of method m must be a number (got 'fast')");
    expect(() => checkSettings("m", accepted, { embedding: "x" })).toThrow("setting embedding of method m must be one of h, z (got 'x')");
    expect(() => checkSettings("m", {}, { a: 1 })).toThrow("method m takes no settings (got 'a')");
    expect(() => checkSettings("m", accepted, { learningRate: 0.1, embedding: "h" })).not.toThrow();
  });

  it("gives each method the settings it really has: ScCCL not the losses it pins, JojoSCL its SURE weight", () => {
    expect(CLUSTER_METHODS.scfnccl.settings).toMatchObject({ phi: { default: 0.95 }, temperature: { default: 0.07 }, embedding: { default: "z" } });
    expect(CLUSTER_METHODS.scfnccl.settings).toMatchObject({ seed: { default: 0 }, k: { default: null, min: 2 } });
    expect(CLUSTER_METHODS.sccl.settings).not.toHaveProperty("phi");
    expect(CLUSTER_METHODS.sccl.settings).not.toHaveProperty("clusterLoss");
    expect(CLUSTER_METHODS.jojoscl.settings).toMatchObject({ sureWeight: { default: 1 }, learningRate: { default: 0.2 } });
    expect(CLUSTER_METHODS.scdcca.settings).toMatchObject({ zinbWeight: { default: 1 }, epochs: { default: 100 } });
    expect(Object.keys(CLUSTER_METHODS.seurat.settings)).toEqual(["k", "seed", "nTopGenes", "resolution"]);
    expect(parseMethodSettings("jojoscl", ["sureWeight=0.5"])).toEqual({ sureWeight: 0.5 });
    expect(() => parseMethodSettings("kmeans", ["epochs=3"])).toThrow("method kmeans has no setting 'epochs' (its settings: k, seed, nTopGenes)");
  });
});
