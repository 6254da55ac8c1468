/**
 * The scatter's regl-scatterplot settings, shared by the component and the 100k-point benchmark
 * (apps/web/bench/scatter.ts) so the benchmark measures what users get.
 */
export function scatterSettings(points: number) {
  return {
    // Small points once there are many: overlap hides structure and costs fill rate.
    pointSize: points > 50_000 ? 2 : 4,
    // Dense regions get translucent points, so 100k cells still show where the mass is.
    opacityByDensityFill: 0.15,
    lassoOnLongPress: false,
  };
}
