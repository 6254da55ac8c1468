import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sharedData } from "@scfnccl/engine/testing";
import { buildCas, personEmail, validateCas, type CasProposalInput } from "./cas.ts";

const ada = { name: "Ada Lovelace", email: "ada@example.org" };
const bo = { name: "Bo Li", email: "bo@example.org" };
const proposal = (over: Partial<CasProposalInput> = {}): CasProposalInput => ({
  proposalId: "p1",
  target: { cluster: 0 },
  cellIds: ["AAAC-1", "AAAG-1"],
  label: "CD14+ monocyte",
  ontologyId: "CL:0001054",
  ontologyLabel: "CD14-positive monocyte",
  markerGenes: ["CD14", "LYZ"],
  evidence: "LYZ and CD14 high",
  author: ada,
  createdAt: new Date("2026-12-01T10:00:00Z"),
  accepted: true,
  reviews: [{ reviewer: bo, verdict: "Disagree", explanation: "FCGR3A is up too", at: new Date("2026-12-01T11:00:00Z") }],
  automated: null,
  ...over,
});

describe("CAS export", () => {
  it("writes a document the shipped schema accepts, reviews and automated annotations included", () => {
    const doc = buildCas({
      title: "PBMC run",
      author: ada,
      at: new Date("2026-12-02T00:00:00Z"),
      proposals: [
        proposal(),
        proposal({
          proposalId: "p2",
          accepted: false,
          label: "monocyte",
          ontologyId: "CL:0000576",
          reviews: [],
          automated: { algorithmName: "scfnccl-suggest", algorithmVersion: "1", algorithmRepoUrl: "https://example.org/repo", details: { score: 0.4 } },
        }),
      ],
    });
    expect(validateCas(doc)).toEqual([]);
    expect(doc.annotations.map((a) => a.labelset)).toEqual(["accepted", "proposed"]);
    expect(doc.annotations[0]!.reviews).toEqual([{ datestamp: "2026-12-01T11:00:00.000Z", reviewer: "Bo Li <bo@example.org>", review: "Disagree", explanation: "FCGR3A is up too" }]);
    expect(doc.annotations[1]!.automated_annotation).toMatchObject({ algorithm_name: "scfnccl-suggest", score: 0.4 });
    expect(doc.labelsets[0]!.annotation_method).toBe("both");
  });

  it("keeps evidence longer than CAS's 2,000-character rationale whole in author_annotation_fields", () => {
    const long = "x".repeat(2500);
    const doc = buildCas({ title: "t", author: ada, at: new Date(), proposals: [proposal({ evidence: long })] });
    expect(validateCas(doc)).toEqual([]);
    expect(doc.annotations[0]!.rationale).toHaveLength(2000);
    expect(doc.annotations[0]!.author_annotation_fields!["evidence"]).toBe(long);
  });

  it("refuses what the schema refuses, naming the place", () => {
    expect(validateCas({ title: "t", labelsets: [], annotations: [{ labelset: "a" }] })).toEqual(expect.arrayContaining(["/ must have required property 'author_name'", "/annotations/0 must have required property 'cell_label'"]));
    const doc = buildCas({ title: "t", author: ada, at: new Date(), proposals: [proposal()] });
    (doc.annotations[0]!.reviews![0] as Record<string, unknown>)["verdict"] = "Agree";
    expect(validateCas(doc)).toContain("/annotations/0/reviews/0 must NOT have additional properties ('verdict')");
  });

  it("accepts the CAS repository's own example", () => {
    const example = JSON.parse(readFileSync(join(sharedData(), "..", "reference", "cell_annotation_schema", "example_Siletti_expression_evidence.json"), "utf8"));
    expect(validateCas(example)).toEqual([]);
  });
});

describe("personEmail", () => {
  it("reads the email of a reviewer string", () => {
    expect(personEmail("Bo Li <Bo@Example.org>")).toBe("bo@example.org");
    expect(personEmail("bo@example.org")).toBe("bo@example.org");
    expect(personEmail("Bo Li")).toBeNull();
  });
});

describe("CAS import", () => {
  it("reads back what buildCas wrote", async () => {
    const { readCas } = await import("./cas.ts");
    const long = "y".repeat(2100);
    const doc = JSON.parse(JSON.stringify(buildCas({ title: "t", author: ada, at: new Date(), proposals: [proposal({ evidence: long })] })));
    const { annotations, errors } = readCas(doc);
    expect(errors).toEqual([]);
    expect(annotations[0]).toMatchObject({ accepted: true, label: "CD14+ monocyte", ontologyId: "CL:0001054", cellIds: ["AAAC-1", "AAAG-1"], evidence: long, author: "Ada Lovelace <ada@example.org>" });
    expect(annotations[0]!.reviews).toEqual([{ reviewer: "Bo Li <bo@example.org>", email: "bo@example.org", verdict: "Disagree", explanation: "FCGR3A is up too", at: new Date("2026-12-01T11:00:00Z") }]);
  });

  it("refuses a document the schema refuses", async () => {
    const { readCas } = await import("./cas.ts");
    expect(readCas({ title: 1 }).errors.length).toBeGreaterThan(0);
  });
});
