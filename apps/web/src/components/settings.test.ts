import { describe, expect, it } from "vitest";
import { metricsSummary, settingLines } from "./settings";

describe("settings a run used", () => {
  it("lists what the user set, then the method's defaults marked as such", () => {
    expect(settingLines({ k: 9 }, [{ name: "k", default: 8 }, { name: "resolution", default: 0.8 }, { name: "seed", default: null }])).toEqual([
      { name: "k", value: "9", isDefault: false },
      { name: "resolution", value: "0.8", isDefault: true },
    ]);
  });
  it("lists nothing rather than '{}' when nothing was set and no defaults are known", () => {
    expect(settingLines({})).toEqual([]);
  });
  it("reads params that are not an object (JSON in the schema) as none set", () => {
    expect(settingLines(null, [{ name: "k", default: 8 }])).toEqual([{ name: "k", value: "8", isDefault: true }]);
  });
});

describe("metrics summary", () => {
  it("leaves out what the method did not report instead of '? genes used'", () => {
    expect(metricsSummary({ k: 9, cells: 2638, genesUsed: null })).toBe("9 clusters · 2,638 cells");
  });
});
