import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export type UsageLine = Record<string, unknown> & {
  route: string;
  status: number;
  input_tokens: number;
  output_tokens: number;
  cost_nano_usd: number | null;
};

/**
 * The usage log's HTTP sink target for the fleet: every process of the suite posts its records here (JSON
 * lines), so a test can set what Redis holds against what the processes logged.
 */
export interface UsageCollector {
  url: string;
  records: UsageLine[];
  /** The records of a route, once `count` of them arrived (the sinks flush every 50 ms). */
  of(route: string, count: number): Promise<UsageLine[]>;
  close(): Promise<void>;
}

export async function startUsageCollector(): Promise<UsageCollector> {
  const records: UsageLine[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => {
      body += chunk;
    });
    request.on("end", () => {
      for (const line of body.split("\n"))
        if (line.trim() !== "") records.push(JSON.parse(line) as UsageLine);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const of = async (route: string, count: number): Promise<UsageLine[]> => {
    const matching = () => records.filter((record) => record.route === route);
    for (let wait = 0; wait < 200 && matching().length < count; wait++)
      await new Promise((resolve) => setTimeout(resolve, 25));
    return matching();
  };
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/usage`,
    records,
    of,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The sum of the records' costs in nano-USD (a record without a price counts as a failure of the test). */
export function costOf(records: readonly UsageLine[]): number {
  return records.reduce((sum, record) => sum + (record.cost_nano_usd ?? Number.NaN), 0);
}
