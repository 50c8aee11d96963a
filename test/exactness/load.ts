import { readFileSync } from "node:fs";
import { Agent, request } from "undici";

const agent = new Agent({ connections: 128, pipelining: 1 });

/** Sends one OpenAI chat request for `route` to a gateway; the status, or 0 when it did not answer in time. */
export async function chat(gateway: string, route: string, timeoutMs = 10_000): Promise<number> {
  try {
    const response = await request(`${gateway}/v1/chat/completions`, {
      method: "POST",
      dispatcher: agent,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: route, messages: [{ role: "user", content: "hi" }], max_tokens: 10 }),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    await response.body.dump();
    return response.statusCode;
  } catch {
    return 0;
  }
}

/**
 * `total` requests spread round-robin over the gateways, at most `concurrency` at once: the statuses, in the
 * order they were sent.
 */
export async function fire(
  gateways: readonly string[],
  route: string,
  total: number,
  concurrency: number,
): Promise<number[]> {
  const statuses: number[] = new Array(total).fill(0);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const index = next++;
      statuses[index] = await chat(gateways[index % gateways.length] as string, route);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return statuses;
}

export function count(statuses: readonly number[], status: number): number {
  return statuses.filter((value) => value === status).length;
}

/** The processes a gateway runs: its primary and the primary's children (the workers), from /proc. */
export function processTree(pid: number): number[] {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
    return [pid, ...(children === "" ? [] : children.split(/\s+/).map(Number))];
  } catch {
    return [pid];
  }
}

export async function closeAgent(): Promise<void> {
  await agent.close();
}
