// The typescript plugin re-exports mapped enums (enumValues) as values, `export { Role };`; here
// they are types, which verbatimModuleSyntax requires to be re-exported as `export type`.
import { readFile, writeFile } from "node:fs/promises";

const file = new URL("../src/schema/types.generated.ts", import.meta.url);
const text = await readFile(file, "utf8");
await writeFile(file, text.replace(/^export \{ (\w+) \};$/gm, "export type { $1 };"));
