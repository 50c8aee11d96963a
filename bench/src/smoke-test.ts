import { Agent } from "node:http";
import { request } from "undici";
import { type Scenario, urlOf } from "./scenarios.js";
import { timeStream } from "./stream-probe.js";

/**
 * One instant request and, where the scenario streams, one paced stream, before anything is measured: a
 * scenario that fails here is reported as unavailable with the reason instead of polluting the numbers.
 */
export async function smokeTest(scenario: Scenario): Promise<string | undefined> {
  const call = scenario.call("instant");
  try {
    const response = await request(`${urlOf(scenario)}${call.path}`, {
      method: "POST",
      headers: call.headers,
      body: call.body,
    });
    const text = await response.body.text();
    if (response.statusCode !== 200) return `HTTP ${response.statusCode}: ${text.slice(0, 200)}`;
  } catch (error) {
    return `request failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (!scenario.streams) return undefined;
  const agent = new Agent({ keepAlive: false });
  const timing = await timeStream(urlOf(scenario), scenario.call("ttft"), agent, 10_000);
  agent.destroy();
  return timing.ok ? undefined : `stream failed: ${timing.error ?? "no clean end"}`;
}
