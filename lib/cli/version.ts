/** The version of the installed package, as package.json says. */
import { readFileSync } from "node:fs";

/** The `version` of package.json (two folders up from lib/cli/ and from dist/cli/ alike). */
export function packageVersion(): string {
  const json = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return json.version;
}
