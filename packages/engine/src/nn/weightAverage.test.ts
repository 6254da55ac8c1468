import { describe, expect, it } from "vitest";
import { finalWeights, firstAveragedEpoch } from "./weightAverage.ts";

describe("firstAveragedEpoch", () => {
  it("starts the average so that its share of the epochs is averaged, and never when the share is 0", () => {
    expect(firstAveragedEpoch(200, 0.5)).toBe(101);
    expect(firstAveragedEpoch(200, 0.2)).toBe(161);
    expect(firstAveragedEpoch(200, 1)).toBe(1);
    expect(firstAveragedEpoch(1, 0.5)).toBe(1);
    expect(firstAveragedEpoch(200, 0)).toBe(Infinity);
  });
});

describe("finalWeights", () => {
  it("names the epochs whose weights the model is, in the words metrics files show", () => {
    expect(finalWeights(200, 0.5)).toBe("mean of epochs 101–200 (chosen without labels)");
    expect(finalWeights(200, 0)).toBe("last epoch (chosen without labels)");
    expect(finalWeights(2, 0.5)).toBe("last epoch, BatchNorm re-measured (chosen without labels)");
  });
});
