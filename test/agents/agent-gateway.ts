import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { expectNoSpecViolations } from "../mock-upstream/index.js";
import { type ProvidersGateway, startProvidersGateway } from "../openai-api/api-gateway.js";
import { type AgentClients, createAgentClients } from "./agent-clients.js";
import { AGENT_PROVIDERS } from "./agent-providers.js";

/** A gateway with a route per agent provider, and the official SDKs pointed at it (set before the first test). */
export interface AgentGateway {
  setup: ProvidersGateway;
  clients: AgentClients;
}

/**
 * Starts the gateway for the test file and checks, after every test, each answer the SDKs got against its
 * API's schemas and stream rules and each upstream request against the upstream's spec.
 */
export function useAgentGateway(): AgentGateway {
  const agent = {} as AgentGateway;
  beforeAll(async () => {
    agent.setup = await startProvidersGateway(AGENT_PROVIDERS);
    agent.clients = createAgentClients(agent.setup.gateway.url);
  });
  afterAll(async () => {
    await agent.setup?.close();
  });
  beforeEach(() => agent.setup.resetMocks());
  afterEach(async () => {
    await agent.clients.expectSpecValid();
    for (const provider of AGENT_PROVIDERS)
      if (provider.framing !== undefined) expectNoSpecViolations(agent.setup.mockOf(provider));
  });
  return agent;
}
