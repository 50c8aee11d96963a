import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { ConfigError } from "./config-issue.js";
import type { GatewayConfig } from "./gateway-config.js";
import { parseConfig } from "./parse-config.js";

/** Reads and validates a config file. Throws ConfigError listing every problem found. */
export async function loadConfigFile(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<GatewayConfig> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT"
        ? "the file does not exist"
        : `cannot be read (${(error as Error).message})`;
    throw new ConfigError([{ file, message: reason }]);
  }
  const result = parseConfig(text, file, env);
  if (!result.ok) throw new ConfigError(result.issues);
  return result.config;
}
