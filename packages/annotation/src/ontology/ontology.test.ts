import { describe, expect, it } from "vitest";
import { cellOntology } from "../reference.ts";
import { CellOntology, CellOntologyIdError } from "./ontology.ts";

const cl = cellOntology();
const ids = (query: string, first = 5) => cl.search(query, { first }).map((m) => m.term.id);

describe("Cell Ontology search", () => {
  it("finds monocyte (CL:0000576) first for 'monocyte'", () => {
    expect(ids("monocyte")[0]).toBe("CL:0000576");
  });

  it("finds a term by a synonym, saying which name matched", () => {
    const [hit] = cl.search("T lymphocyte", { first: 1 });
    expect(hit?.term.id).toBe("CL:0000084");
    expect(hit?.matched).toBe("T lymphocyte");
    expect(ids("NK cell", 1)).toEqual(["CL:0000623"]);
  });

  it("ranks a prefix above a word inside a longer name, and finds terms by word prefixes in any order", () => {
    const found = ids("platel", 10);
    expect(found[0]).toBe("CL:0000233");
    expect(ids("cd14 mono", 3)).toContain("CL:0001054");
  });

  it("finds a term by its id, obsolete ones included, but never offers an obsolete term by name", () => {
    expect(ids("CL:0000576", 1)).toEqual(["CL:0000576"]);
    expect(ids("cl:0000003", 1)).toEqual(["CL:0000003"]);
    expect(cl.search("obsolete native cell").map((m) => m.term.id)).not.toContain("CL:0000003");
  });

  it("returns at most `first` results and nothing for an empty query", () => {
    expect(cl.search("cell", { first: 7 })).toHaveLength(7);
    expect(cl.search("   ")).toEqual([]);
  });
});

describe("Cell Ontology ids", () => {
  it("accepts a current term", () => {
    expect(cl.requireCurrent("cl:0000236").label).toBe("B cell");
  });

  it("refuses an obsolete id, naming it and its replacement", () => {
    const err = (() => {
      try {
        cl.requireCurrent("CL:0000003");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(CellOntologyIdError);
    expect((err as CellOntologyIdError).reason).toBe("obsolete");
    expect((err as Error).message).toBe("CL:0000003 ('obsolete native cell') is obsolete in the Cell Ontology (release 2026-03-26); use CL:0000000 instead");
  });

  it("refuses a well-formed id that is no term, and a malformed one", () => {
    expect(() => cl.requireCurrent("CL:9999999")).toThrow("CL:9999999 is not a term of the Cell Ontology (release 2026-03-26)");
    expect(() => cl.requireCurrent("B cell")).toThrow("'B cell' is not a Cell Ontology id");
  });
});

describe("Cell Ontology hierarchy", () => {
  it("knows ancestors and descendants", () => {
    expect(cl.ancestors("CL:0001054").has("CL:0000576")).toBe(true);
    expect(cl.descendants("CL:0000576").has("CL:0002396")).toBe(true);
    expect(cl.related("CL:0000084", "CL:0000895")).toBe(true);
    expect(cl.related("CL:0000236", "CL:0000084")).toBe(false);
  });

  it("walks a diamond once", () => {
    const o = new CellOntology({ release: "t", terms: { "CL:0000001": { l: "a" }, "CL:0000002": { l: "b", p: ["CL:0000001"] }, "CL:0000003": { l: "c", p: ["CL:0000001"] }, "CL:0000004": { l: "d", p: ["CL:0000002", "CL:0000003"] } } });
    expect([...o.ancestors("CL:0000004")].sort()).toEqual(["CL:0000001", "CL:0000002", "CL:0000003"]);
    expect([...o.descendants("CL:0000001")].sort()).toEqual(["CL:0000002", "CL:0000003", "CL:0000004"]);
  });
});

describe("matching marker-database names to terms", () => {
  it.each([
    ["Monocytes", "CL:0000576", "exact"],
    ["CD14+ monocyte", "CL:0001054", "exact"],
    ["T cells naive", "CL:0000898", "reordered"],
    ["CD8+ T cell", "CL:0000625", "reordered"],
    ["Activated natural killer cell", "CL:0000623", "broader"],
  ] as const)("%s → %s (%s)", (name, id, how) => {
    expect(cl.matchName(name)).toEqual({ id, how });
  });

  it("does not fall back to a term next to the root, nor read a trailing code as a noun", () => {
    expect(cl.matchName("Osteoclast precursor cells")).toBeNull();
    expect(cl.matchName("Conventional dendritic cell 2-B (cDC2-B)")).toBeNull();
  });
});
