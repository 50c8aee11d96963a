import { GatewayClient, type GatewayRoute } from "../client/index.js";
import { errorLine, gatewayKeyHeaders, resolveGatewayUri } from "./gateway-uri-option.js";

export interface RoutesCommandOptions {
  gatewayUri?: string;
  filter?: string;
  json?: boolean;
}

/**
 * `switchyard routes`: lists a running gateway's routes (all pages) as a table, or as JSON with `--json`.
 * Exit code 0 on success, 1 on any error (printed to stderr as one line).
 */
export async function routesCommand(options: RoutesCommandOptions): Promise<number> {
  let routes: GatewayRoute[];
  try {
    const client = new GatewayClient(resolveGatewayUri(options.gatewayUri), { headers: gatewayKeyHeaders() });
    routes = await client.searchRoutes(options.filter);
  } catch (error) {
    process.stderr.write(errorLine(error));
    return 1;
  }
  if (options.json === true) {
    process.stdout.write(`${JSON.stringify(routes, null, 2)}\n`);
  } else if (routes.length === 0) {
    process.stdout.write(options.filter ? "No routes match the filter.\n" : "The gateway has no routes.\n");
  } else {
    process.stdout.write(formatTable(routes));
  }
  return 0;
}

function formatTable(routes: readonly GatewayRoute[]): string {
  const rows = [
    ["NAME", "TYPE", "PROVIDER", "MODEL"],
    ...routes.map((route) => [route.name, route.route_type, route.model.provider, route.model.name]),
  ];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
        .join("  "),
    )
    .map((line) => `${line}\n`)
    .join("");
}
