import { describe, expect, it } from "vitest";
import { guessOrganism } from "./organism.ts";

describe("guessOrganism", () => {
  it("reads upper-case symbols as human and title-case ones as mouse", () => {
    expect(guessOrganism(["CD14", "LYZ", "MT-CO1", "HLA-DRA", "RP11-34P13.7"]).organism).toBe("human");
    expect(guessOrganism(["Cd14", "Lyz2", "mt-Co1", "Gm12345", "Actb"]).organism).toBe("mouse");
  });

  it("reads Ensembl ids by their prefix", () => {
    expect(guessOrganism(["ENSG00000170458", "ENSG00000090382"]).organism).toBe("human");
    expect(guessOrganism(["ENSMUSG00000051439"]).organism).toBe("mouse");
  });

  it("gives up on generated names and mixed case", () => {
    expect(guessOrganism(["gene0", "gene1"]).organism).toBeNull();
    expect(guessOrganism(["CD14", "Cd14", "LYZ", "Lyz2"]).organism).toBeNull();
  });
});
