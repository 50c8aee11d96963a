import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatewayClient, GatewayClientError } from "../../src/client/index.js";
import { type ClientTestGateway, startClientTestGateway, TEST_ROUTE_NAMES } from "./client-test-gateway.js";

let gateway: ClientTestGateway;

beforeAll(async () => {
  gateway = await startClientTestGateway();
});

afterAll(async () => {
  await gateway.close();
});

async function names(filter: string, pageSize?: number): Promise<string[]> {
  const client = new GatewayClient(gateway.url, pageSize === undefined ? {} : { pageSize });
  return (await client.searchRoutes(filter)).map((route) => route.name);
}

async function getJson(path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${gateway.url}${path}`);
  return { status: response.status, body: await response.json() };
}

describe("searchRoutes with a filter, applied by the gateway", () => {
  it.each([
    ["name = 'chat'", ["chat"]],
    ['name = "claude"', ["claude"]],
    ["name != 'chat'", TEST_ROUTE_NAMES.filter((name) => name !== "chat")],
    ["name LIKE 'chat%'", ["chat", "chat-large"]],
    ["name LIKE 'c_aude'", ["claude"]],
    ["name ILIKE 'chat%'", ["chat", "chat-large", "Chat_OpenAI"]],
    ["route_type = 'llm/v1/chat'", ["chat", "chat-large", "Chat_OpenAI", "claude"]],
    ["route_type = 'llm/v1/embeddings'", ["embeddings"]],
    ["model.provider = 'openai'", ["Chat_OpenAI"]],
    ["model.provider != 'mock'", ["Chat_OpenAI", "claude"]],
    ["model.name = 'mock-echo'", ["chat", "completions"]],
    ["model.name LIKE 'mock-echo%'", ["chat", "chat-large", "completions"]],
    ["route_type = 'llm/v1/chat' AND model.provider = 'mock'", ["chat", "chat-large"]],
    ["name like 'c%' and route_type != 'llm/v1/chat' AND model.name ilike 'MOCK%'", ["completions"]],
    ["name = 'nothing-matches'", []],
    ["", TEST_ROUTE_NAMES],
  ])("%j returns %j", async (filter, expected) => {
    expect(await names(filter)).toEqual(expected);
  });

  it("filters before paginating, so every page holds matching routes and the tokens index the filtered list", async () => {
    const pages: unknown[] = [];
    const client = new GatewayClient(gateway.url, {
      pageSize: 1,
      fetch: async (url, init) => {
        const response = await fetch(url, init);
        pages.push(await response.clone().json());
        return response;
      },
    });
    const routes = await client.searchRoutes("route_type = 'llm/v1/chat' AND model.provider != 'mock'");
    expect(routes.map((route) => route.name)).toEqual(["Chat_OpenAI", "claude"]);
    expect(pages).toHaveLength(2);
    expect(pages[1]).toMatchObject({ routes: [{ name: "claude" }], next_page_token: null });
  });

  it("returns the same routes whatever the page size", async () => {
    const filter = "route_type = 'llm/v1/chat'";
    expect(await names(filter, 1)).toEqual(await names(filter));
    expect(await names(filter, 3)).toEqual(await names(filter));
  });
});

describe("a malformed filter", () => {
  it("is a 400 GatewayClientError whose detail gives the column, what was expected and the marked filter", async () => {
    const error = await new GatewayClient(gateway.url).searchRoutes("name = chat").catch((reason) => reason);
    expect(error).toBeInstanceOf(GatewayClientError);
    expect(error).toMatchObject({
      kind: "http",
      status: 400,
      detail:
        'Invalid filter at column 8: expected a quoted string (\'...\' or "..."), found "chat". Here: name = >>>chat',
    });
    expect(error.message).toContain("Listing routes failed with HTTP 400 Bad Request");
  });

  it.each([
    ["name LIKE", 10, "expected a quoted string"],
    ["model.provider ~ 'x'", 16, "expected an operator (=, !=, LIKE or ILIKE)"],
    ["model = 'x'", 1, "expected a field (name, route_type, model.name or model.provider)"],
    ["name = 'a' OR name = 'b'", 12, "expected AND or the end of the filter"],
    ["name = 'unterminated", 8, "expected a closing ' for the string that starts here"],
  ])("%j is refused at column %i", async (filter, column, expected) => {
    const { status, body } = await getJson(`/api/2.0/gateway/routes/?filter=${encodeURIComponent(filter)}`);
    expect(status).toBe(400);
    const detail = (body as { detail: string }).detail;
    expect(detail).toContain(`Invalid filter at column ${column}: ${expected}`);
    expect(detail).toContain(">>>");
  });

  it("is refused when the filter parameter is given twice", async () => {
    const { status, body } = await getJson("/api/2.0/gateway/routes/?filter=name%3D'a'&filter=name%3D'b'");
    expect(status).toBe(400);
    expect(body).toEqual({
      detail: "Invalid filter: give one 'filter' parameter and join its clauses with AND.",
      request_id: expect.any(String),
    });
  });
});

describe("the route-list aliases", () => {
  it.each(["/api/2.0/gateway/routes", "/gateway/routes/", "/routes"])(
    "%s takes the filter too",
    async (path) => {
      const { status, body } = await getJson(
        `${path}?filter=${encodeURIComponent("model.provider = 'anthropic'")}`,
      );
      expect(status).toBe(200);
      expect(body).toEqual({
        routes: [
          {
            name: "claude",
            route_type: "llm/v1/chat",
            model: { name: "claude-sonnet-4-5", provider: "anthropic" },
            route_url: "/gateway/claude/invocations",
            health: { targets: [{ target: "anthropic/claude-sonnet-4-5", circuit: "closed" }] },
          },
        ],
        next_page_token: null,
      });
    },
  );
});
