import { describe, expect, it } from "vitest";
import { RateLimiter } from "./rateLimit.ts";

describe("RateLimiter", () => {
  it("allows `limit` attempts per key in the window, then refuses until they age out", () => {
    const l = new RateLimiter(2, 1000);
    expect([l.take("a", 0), l.take("a", 10), l.take("a", 20), l.take("b", 20)]).toEqual([true, true, false, true]);
    // At 1005 the attempt at 0 has aged out (a slot frees), the one at 10 has not.
    expect([l.take("a", 1005), l.take("a", 1006), l.take("a", 1011)]).toEqual([true, false, true]);
  });
});
