import { Command, InvalidArgumentError } from "commander";
import { PACKAGE_VERSION } from "../server/package-version.js";
import { CONFIG_PATH_HELP, MISSING_CONFIG_PATH, resolveConfigPath } from "./config-path-option.js";
import { startCommand } from "./start-command.js";
import { validateCommand } from "./validate-command.js";

function integer(minimum: number, maximum: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < minimum || parsed > maximum) {
      throw new InvalidArgumentError(`must be an integer from ${minimum} to ${maximum}.`);
    }
    return parsed;
  };
}

function requireConfigPath(option: string | undefined): string {
  const path = resolveConfigPath(option);
  if (path === undefined) {
    process.stderr.write(`${MISSING_CONFIG_PATH}\n`);
    process.exit(1);
  }
  return path;
}

const program = new Command("switchyard")
  .description("An AI gateway in front of every LLM provider.")
  .version(PACKAGE_VERSION);

program
  .command("start")
  .description("start the gateway")
  .option("--config-path <file>", CONFIG_PATH_HELP)
  .option("--host <host>", "address to listen on", "127.0.0.1")
  .option("--port <port>", "port to listen on", integer(0, 65535), 5000)
  .option("--workers <count>", "worker processes", integer(1, 256), 2)
  .option(
    "--shutdown-timeout <seconds>",
    "longest wait for requests in flight on shutdown",
    integer(0, 3600),
    30,
  )
  .action(
    async (options: {
      configPath?: string;
      host: string;
      port: number;
      workers: number;
      shutdownTimeout: number;
    }) => {
      const code = await startCommand({
        configPath: requireConfigPath(options.configPath),
        host: options.host,
        port: options.port,
        workers: options.workers,
        shutdownTimeoutMs: options.shutdownTimeout * 1000,
      });
      if (code !== undefined) process.exit(code);
    },
  );

program
  .command("validate")
  .description("check a config file without starting the gateway (exit 0 when valid, 1 when not)")
  .option("--config-path <file>", CONFIG_PATH_HELP)
  .action(async (options: { configPath?: string }) => {
    process.exit(await validateCommand(requireConfigPath(options.configPath)));
  });

await program.parseAsync();
