/** Keys are relative `/` paths of safe segments; this keeps a filesystem store inside its root. */
export function validateKey(key: string): string {
  const segments = key.split("/");
  if (!key || key.startsWith("/") || segments.some((s) => s === "" || s === "." || s === ".." || !/^[\w.-]+$/.test(s))) {
    throw new Error(`invalid object key '${key}'`);
  }
  return key;
}
