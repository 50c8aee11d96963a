import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { formatConfigIssue } from "../config/config-issue.js";
import { checkConfigText } from "../server/config-verdict.js";

/** `switchyard validate`: checks a config without starting anything. Exit code 0 when valid, 1 when not. */
export async function validateCommand(configPath: string): Promise<number> {
  const file = resolve(configPath);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    process.stderr.write(`${file}: the config file does not exist or cannot be read\n`);
    return 1;
  }
  const result = checkConfigText(text, file, process.env);
  if (!result.ok) {
    process.stderr.write(
      `${file} is invalid:\n${result.issues.map((issue) => `  ${formatConfigIssue(issue)}\n`).join("")}`,
    );
    return 1;
  }
  const routes = result.config.routes;
  process.stdout.write(`${file} is valid: ${routes.length} ${routes.length === 1 ? "route" : "routes"}\n`);
  for (const route of routes) {
    const target = route.targets[0];
    process.stdout.write(`  ${route.name}  ${route.type}  ${target?.provider}/${target?.model}\n`);
  }
  for (const warning of result.warnings) process.stdout.write(`warning: ${warning}\n`);
  return 0;
}
