import { readFileSync } from "node:fs";

/** The package's version, read once at start-up (for the OpenAPI document and `--version`). */
export const PACKAGE_VERSION: string = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;
