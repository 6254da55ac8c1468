import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type * as ReglScatterplot from "regl-scatterplot";
import { createScatter } from "./scatterPlot";

/** regl-scatterplot's surface as createScatter uses it, recording the calls (no WebGL in node). */
function fakeLib() {
  const calls: string[] = [];
  const index = new ArrayBuffer(8);
  const lib = {
    createRenderer: () => ({ resize: (w: number, h: number) => calls.push(`renderer.resize ${w}x${h}`), destroy: () => calls.push("renderer.destroy") }),
    default: (options: Record<string, unknown>) => {
      calls.push(`create ${options["width"]}x${options["height"]} renderer=${options["renderer"] ? "own" : "default"}`);
      return {
        set: async (p: Record<string, unknown>) => void calls.push(`set ${Object.keys(p).join(",")}`),
        draw: async (_points: unknown, o: Record<string, unknown>) => void calls.push(`draw ${o["zDataType"]} index=${o["spatialIndex"] === index ? "reused" : "built"}`),
        get: () => index,
        destroy: () => calls.push("plot.destroy"),
      };
    },
  };
  return { lib: lib as unknown as typeof ReglScatterplot, calls };
}

const points = (n: number) => ({ x: new Float32Array(n), y: new Float32Array(n), z: new Float32Array(n) });

describe("the scatter's regl-scatterplot instance", () => {
  beforeEach(() => void ((globalThis as { document?: unknown }).document = { createElement: () => ({}) }));
  afterEach(() => void delete (globalThis as { document?: unknown }).document);

  it("renders through its own renderer sized to the plot (not the window), resized with it and destroyed with it", async () => {
    const { lib, calls } = fakeLib();
    const h = createScatter(lib, {} as HTMLCanvasElement, 780, 585, 100_000);
    await h.resize(400, 300);
    h.destroy();
    expect(calls).toEqual(["renderer.resize 780x585", "create 780x585 renderer=own", "renderer.resize 400x300", "set width,height", "plot.destroy", "renderer.destroy"]);
  });

  it("recolours by another gene in one draw: no set while the colour map is the same, and the positions' spatial index reused", async () => {
    const { lib, calls } = fakeLib();
    const h = createScatter(lib, {} as HTMLCanvasElement, 780, 585, 10);
    const p = points(10);
    await h.paint(p, ["#000", "#111"], "categorical");
    await h.paint({ ...p, z: new Float32Array(10) }, ["#a", "#b", "#c"], "continuous");
    await h.paint({ ...p, z: new Float32Array(10) }, ["#a", "#b", "#c"], "continuous");
    // New positions (another embedding) build their index again.
    await h.paint(points(10), ["#a", "#b", "#c"], "continuous");
    expect(calls.slice(2)).toEqual([
      "set colorBy,pointColor,pointColorActive,pointColorHover",
      "draw categorical index=built",
      "set colorBy,pointColor,pointColorActive,pointColorHover",
      "draw continuous index=reused",
      "draw continuous index=reused",
      "draw continuous index=built",
    ]);
  });
});
