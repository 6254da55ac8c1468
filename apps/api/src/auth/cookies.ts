export const SESSION_COOKIE = "scfnccl_session";

/** Secure cookies when asked (COOKIE_SECURE), else whenever the public URL is https. */
export function secureCookies(env: { COOKIE_SECURE?: boolean | undefined; PUBLIC_URL?: string | undefined }): boolean {
  return env.COOKIE_SECURE ?? (env.PUBLIC_URL?.startsWith("https:") ?? false);
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    const name = part.slice(0, i).trim();
    if (!name) continue;
    // Another site's cookie on our domain may hold anything; a bad %-escape is that cookie's
    // problem, never the request's (it is kept undecoded).
    const value = part.slice(i + 1).trim();
    try {
      out[name] = decodeURIComponent(value);
    } catch {
      out[name] = value;
    }
  }
  return out;
}

/** httpOnly (no script reads it) and SameSite=Lax (no cross-site POST carries it). */
export function sessionCookie(token: string, options: { maxAgeSeconds: number; secure: boolean }): string {
  return [
    `${SESSION_COOKIE}=${encodeURIComponent(token)}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${Math.floor(options.maxAgeSeconds)}`,
    ...(options.secure ? ["Secure"] : []),
  ].join("; ");
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie("", { maxAgeSeconds: 0, secure });
}
