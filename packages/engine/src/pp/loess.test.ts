import { describe, expect, it } from "vitest";
import { loess } from "./loess.ts";
import { expectClose, loadGolden, num, numberArray } from "./__golden__/golden.ts";

const golden = loadGolden("small.json");
const x = numberArray(golden, "loess", "x");
const y = numberArray(golden, "loess", "y");
const span = num(golden, "loess", "span");

describe("loess", () => {
  it("interpolated surface matches the dloess k-d tree and Hermite blending of the golden script", () => {
    expectClose(loess(x, y, { span }), numberArray(golden, "loess", "interpolate"), { rel: 1e-9, abs: 1e-12 });
  });

  it("direct surface matches a local quadratic fit at every point", () => {
    expectClose(loess(x, y, { span, surface: "direct" }), numberArray(golden, "loess", "direct"), { rel: 1e-9, abs: 1e-12 });
  });

  it("degree 1 matches a local linear fit", () => {
    expectClose(loess(x, y, { span: 0.5, degree: 1 }), numberArray(golden, "loess", "interpolateDegree1"), {
      rel: 1e-9,
      abs: 1e-12,
    });
  });

  it("reproduces a quadratic exactly, in any input order", () => {
    const xs = Array.from({ length: 300 }, (_, i) => ((i * 7919) % 300) / 30 - 5);
    const ys = xs.map((v) => 0.5 * v * v - 2 * v + 1);
    expectClose(loess(xs, ys, { span: 0.3 }), ys, { rel: 1e-9, abs: 1e-9 });
    expectClose(loess(xs, ys, { span: 0.3, surface: "direct" }), ys, { rel: 1e-9, abs: 1e-9 });
  });

  it("refuses a span that leaves too few points for the polynomial", () => {
    expect(() => loess([1, 2, 3, 4], [1, 2, 3, 4], { span: 0.5 })).toThrow(/too few/);
  });
});
