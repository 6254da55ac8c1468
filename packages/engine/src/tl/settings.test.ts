import { describe, expect, it } from "vitest";
import { InputError } from "../errors.ts";
import { CLUSTER_METHODS, parseMethodSettings } from "./cluster.ts";
import { checkSettings, parseSettingPairs, settingsFrom } from "./settings.ts";

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

  it("derives settings from a defaults object: numbers, string choices, no arrays, omissions", () => {
    const s = settingsFrom({ a: 1, b: "x", dims: [1, 2], seed: 3 }, { b: ["x", "y"] }, ["seed"]);
    expect(s).toEqual({ a: { default: 1 }, b: { default: "x", choices: ["x", "y"] } });
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
    expect(CLUSTER_METHODS.scfnccl.settings).not.toHaveProperty("seed");
    expect(CLUSTER_METHODS.sccl.settings).not.toHaveProperty("phi");
    expect(CLUSTER_METHODS.sccl.settings).not.toHaveProperty("clusterLoss");
    expect(CLUSTER_METHODS.jojoscl.settings).toMatchObject({ sureWeight: { default: 1 }, learningRate: { default: 0.2 } });
    expect(CLUSTER_METHODS.scdcca.settings).toMatchObject({ zinbWeight: { default: 1 }, epochs: { default: 100 } });
    expect(CLUSTER_METHODS.seurat.settings).toEqual({});
    expect(parseMethodSettings("jojoscl", ["sureWeight=0.5"])).toEqual({ sureWeight: 0.5 });
    expect(() => parseMethodSettings("kmeans", ["epochs=3"])).toThrow("method kmeans takes no settings (got 'epochs')");
  });
});
