import { Command, InvalidArgumentError, Option } from "commander";
import { PACKAGE_VERSION } from "../server/package-version.js";
import { CONFIG_PATH_HELP, MISSING_CONFIG_PATH, resolveConfigPath } from "./config-path-option.js";
import { GATEWAY_URI_HELP } from "./gateway-uri-option.js";
import { keysCommand } from "./keys-command.js";

// Each command's code is imported when it runs: `start` becomes the primary process, which lives as long as the
// gateway, and should hold no module that only another command needs (the config validation behind `validate`).

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
  // Each also comes from the environment (containers are configured that way); the option wins.
  .addOption(new Option("--host <host>", "address to listen on").env("SWITCHYARD_HOST").default("127.0.0.1"))
  .addOption(
    new Option("--port <port>", "port to listen on")
      .env("SWITCHYARD_PORT")
      .argParser(integer(0, 65535))
      .default(5000),
  )
  .addOption(
    new Option("--workers <count>", "worker processes")
      .env("SWITCHYARD_WORKERS")
      .argParser(integer(1, 256))
      .default(2),
  )
  .addOption(
    new Option("--shutdown-timeout <seconds>", "longest wait for requests in flight on shutdown")
      .env("SWITCHYARD_SHUTDOWN_TIMEOUT")
      .argParser(integer(0, 3600))
      .default(30),
  )
  .option("--no-watch", "do not reload when the config file changes (SIGHUP still reloads)")
  .action(
    async (options: {
      configPath?: string;
      host: string;
      port: number;
      workers: number;
      shutdownTimeout: number;
      watch: boolean;
    }) => {
      const { startCommand } = await import("./start-command.js");
      const code = await startCommand({
        configPath: requireConfigPath(options.configPath),
        host: options.host,
        port: options.port,
        workers: options.workers,
        shutdownTimeoutMs: options.shutdownTimeout * 1000,
        watch: options.watch,
      });
      if (code !== undefined) process.exit(code);
    },
  );

program
  .command("validate")
  .description("check a config file without starting the gateway (exit 0 when valid, 1 when not)")
  .option("--config-path <file>", CONFIG_PATH_HELP)
  .action(async (options: { configPath?: string }) => {
    const { validateCommand } = await import("./validate-command.js");
    process.exit(await validateCommand(requireConfigPath(options.configPath)));
  });

program
  .command("routes")
  .description("list the routes of a running gateway")
  .option("--gateway-uri <uri>", GATEWAY_URI_HELP)
  .option(
    "--filter <filter>",
    `only routes matching a filter, e.g. "name LIKE 'chat%' AND model.provider = 'openai'"`,
  )
  .option("--json", "print the routes as JSON instead of a table")
  .action(async (options: { gatewayUri?: string; filter?: string; json?: boolean }) => {
    // exitCode, not exit(): a large listing piped to another program must be written out in full first.
    const { routesCommand } = await import("./routes-command.js");
    process.exitCode = await routesCommand(options);
  });

program
  .command("query")
  .description("send one query to a route of a running gateway and print the response")
  .argument("<route>", "the route's name")
  .requiredOption("--data <json>", "the request body as JSON, or @FILE to read it from a file (@- for stdin)")
  .option("--gateway-uri <uri>", GATEWAY_URI_HELP)
  .action(async (route: string, options: { data: string; gatewayUri?: string }) => {
    const { queryCommand } = await import("./query-command.js");
    process.exitCode = await queryCommand({ route, ...options });
  });

program.addCommand(keysCommand());

await program.parseAsync();
