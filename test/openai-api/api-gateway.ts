import { type GatewayUnderTest, startGateway } from "../api/gateway-under-test.js";
import type { RouteKind } from "../api/provider-case.js";
import { modelFor, ROUTE_TYPE_OF } from "../api/provider-case.js";
import type { MockUpstream } from "../mock-upstream/index.js";
import type { ApiProvider } from "./api-providers.js";

/** One route of a test config. `timeouts` is the route's `timeouts:` block, in seconds. */
export interface RouteSpec {
  name: string;
  kind: RouteKind;
  provider: ApiProvider;
  /** Overrides the upstream URL the provider's config points at (e.g. a closed port). */
  upstreamUrl?: string;
  timeouts?: { first_byte_seconds?: number; idle_seconds?: number; total_seconds?: number };
  /** Other model names that select the route. */
  aliases?: string[];
}

/** A gateway with routes in front of several providers, each HTTP provider on its own loopback mock. */
export interface ProvidersGateway {
  gateway: GatewayUnderTest;
  /** The upstream mock behind a provider; throws for the in-process mock provider, which has none. */
  mockOf(provider: ApiProvider): MockUpstream;
  /** Clears every mock's requests, queue and id sequence. */
  resetMocks(): void;
  close(): Promise<void>;
}

/** The route name the suite uses for a provider and route kind: `openai-chat`, `cohere-embeddings`, ... */
export function routeName(provider: ApiProvider, kind: RouteKind): string {
  return `${provider.label}-${kind}`;
}

/**
 * Starts one mock per HTTP provider and a gateway with a route per provider and route kind it serves (named by
 * routeName), plus `extraRoutes`; `topLevelYaml` is appended to the config (other top-level sections).
 */
export async function startProvidersGateway(
  providers: ApiProvider[],
  extraRoutes: RouteSpec[] = [],
  topLevelYaml = "",
): Promise<ProvidersGateway> {
  const mocks = new Map<string, MockUpstream>();
  for (const provider of providers) {
    const mock = await provider.base.startMock?.();
    if (mock !== undefined) mocks.set(provider.label, mock);
  }
  const standard = providers.flatMap((provider) =>
    (["chat", "completions", "embeddings"] as const)
      .filter((kind) => provider.serves[kind] === true)
      .map((kind): RouteSpec => ({ name: routeName(provider, kind), kind, provider })),
  );
  const yaml = `routes:\n${[...standard, ...extraRoutes]
    .map((route) => routeEntry(route, mocks.get(route.provider.label)?.url ?? ""))
    .join("")}${topLevelYaml}`;
  const gateway = await startGateway(yaml);
  return {
    gateway,
    mockOf: (provider) => {
      const mock = mocks.get(provider.label);
      if (mock === undefined) throw new Error(`provider ${provider.label} has no upstream mock`);
      return mock;
    },
    resetMocks: () => {
      for (const mock of mocks.values()) mock.reset();
    },
    close: async () => {
      await gateway.close();
      for (const mock of mocks.values()) await mock.close();
    },
  };
}

/**
 * A route as YAML; config and timeouts as flow mappings, so values stay exactly as given. Every route makes one
 * attempt and has no circuit breaker: these suites check what one upstream answer becomes for the client (retries,
 * fallback and breakers have their own suite), and their many scripted failures must not open a circuit.
 */
function routeEntry(route: RouteSpec, mockUrl: string): string {
  const { base } = route.provider;
  const config = base.config(route.upstreamUrl ?? mockUrl);
  return [
    `  - name: ${route.name}`,
    `    type: ${ROUTE_TYPE_OF[route.kind]}`,
    "    model:",
    `      provider: ${base.provider}`,
    `      name: ${modelFor(base, route.kind)}`,
    `      config: ${JSON.stringify(config)}`,
    ...(route.aliases === undefined ? [] : [`    aliases: ${JSON.stringify(route.aliases)}`]),
    ...(route.timeouts === undefined ? [] : [`    timeouts: ${JSON.stringify(route.timeouts)}`]),
    "    retries: { max_attempts: 1 }",
    "    circuit_breaker: { failure_threshold: 0 }",
    "",
  ].join("\n");
}
