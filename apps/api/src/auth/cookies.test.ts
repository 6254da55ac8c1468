import { describe, expect, it } from "vitest";
import { readEnv } from "../env.ts";
import { parseCookies, secureCookies, sessionCookie } from "./cookies.ts";

describe("session cookies", () => {
  it("are Secure whenever the public URL is https (a production deployment without COOKIE_SECURE)", () => {
    const cookie = (env: Record<string, string>) => sessionCookie("t", { maxAgeSeconds: 60, secure: secureCookies(readEnv({ LOG_LEVEL: "silent", ...env })) });
    expect(cookie({ PUBLIC_URL: "https://cells.example.org" })).toMatch(/; Secure$/);
    expect(cookie({ PUBLIC_URL: "http://127.0.0.1:4000" })).not.toContain("Secure");
    expect(cookie({})).not.toContain("Secure");
    // An explicit setting wins either way.
    expect(cookie({ PUBLIC_URL: "https://cells.example.org", COOKIE_SECURE: "false" })).not.toContain("Secure");
    expect(cookie({ COOKIE_SECURE: "true" })).toMatch(/; Secure$/);
  });

  it("parse past a cookie with a malformed %-escape (another site's cookie must not break every route)", () => {
    expect(parseCookies("a=%; scfnccl_session=abc%20d; b=%E0%A4%A")).toEqual({ a: "%", scfnccl_session: "abc d", b: "%E0%A4%A" });
  });
});
