import { parseConfig } from "../../src/config/parse-config.js";
import { GatewayInstance } from "../../src/server/gateway-instance.js";

/**
 * The routes every client test sees, in config order: four mock routes and two real-provider routes that are
 * never queried (their keys are placeholders), so filters on provider and model have something to tell apart.
 */
export const TEST_ROUTES_YAML = `
routes:
  - name: chat
    type: llm/v1/chat
    model: { provider: mock, name: mock-echo }
  - name: chat-large
    type: llm/v1/chat
    model: { provider: mock, name: mock-echo-large }
  - name: completions
    type: llm/v1/completions
    model: { provider: mock, name: mock-echo }
  - name: embeddings
    type: llm/v1/embeddings
    model: { provider: mock, name: mock-embed, config: { embedding_dimensions: 4 } }
  - name: Chat_OpenAI
    type: llm/v1/chat
    model: { provider: openai, name: gpt-4o-mini, config: { openai_api_key: sk-placeholder } }
  - name: claude
    type: llm/v1/chat
    model: { provider: anthropic, name: claude-sonnet-4-5, config: { anthropic_api_key: sk-placeholder } }
`;

export const TEST_ROUTE_NAMES = ["chat", "chat-large", "completions", "embeddings", "Chat_OpenAI", "claude"];

export interface ClientTestGateway {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  close(): Promise<void>;
}

/** A real gateway on loopback (port 0), in-process, built through the same config parser as the CLI. */
export async function startClientTestGateway(yaml: string = TEST_ROUTES_YAML): Promise<ClientTestGateway> {
  const parsed = parseConfig(yaml, "/virtual/client-test.yaml", {});
  if (!parsed.ok) throw new Error(`invalid test config: ${JSON.stringify(parsed.issues)}`);
  const instance = await GatewayInstance.create({ config: parsed.config });
  const url = (await instance.listen("127.0.0.1", 0)).replace(/\/$/, "");
  return { url, close: () => instance.close() };
}
