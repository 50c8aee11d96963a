// The Anthropic spec the project has (a mirror of the Stainless-hosted spec, November 2024) predates extended
// thinking, the `none` tool choice, cache-control TTLs and the newer usage fields. Anthropic's official TypeScript
// SDK is generated from the current spec: these extensions write, as JSON Schema, exactly what its types declare
// (package `@anthropic-ai/sdk` 1.17.0, `resources/messages/messages.d.ts` and `resources/shared.d.ts`), so that the
// mocks and the response checks know today's wire format. Each extension is listed in the vendored README.
export const ANTHROPIC_SDK =
  "`@anthropic-ai/sdk` 1.17.0 (`resources/messages/messages.d.ts`, `resources/shared.d.ts`)";

const REF = "#/components/schemas/";
const ref = (name) => ({ $ref: `${REF}${name}` });
const nullable = (schema) => ({ anyOf: [schema, { type: "null" }] });
const constant = (value) => ({ type: "string", enum: [value] });
const object = (properties, required, strict = true) => ({
  type: "object",
  properties,
  required,
  ...(strict ? { additionalProperties: false } : {}),
});

/** Adds branches to a discriminated `oneOf` (the union and its mapping), checking the union is the expected one. */
function addBranches(union, branches) {
  if (!Array.isArray(union.oneOf) || union.discriminator?.propertyName !== "type")
    throw new Error("expected a discriminated oneOf on `type`");
  for (const [type, name] of Object.entries(branches)) {
    union.oneOf.push(ref(name));
    union.discriminator.mapping[type] = `${REF}${name}`;
  }
}

const STOP_REASONS_ADDED = ["pause_turn", "refusal", "model_context_window_exceeded"];

function addStopReasons(property) {
  const strings = property.anyOf.find((branch) => Array.isArray(branch.enum));
  if (strings === undefined) throw new Error("expected a stop_reason enum");
  strings.enum.push(...STOP_REASONS_ADDED);
}

/** Applies the extensions to the vendored components (in place) and returns the README notes. */
export function extendAnthropicSchemas(schemas) {
  const cacheControl = nullable(ref("CacheControlEphemeral"));
  // CacheControlEphemeral.ttl
  schemas.CacheControlEphemeral.properties.ttl = { type: "string", enum: ["5m", "1h"] };
  // `cache_control` on every block and tool that takes one (TextBlockParam, ImageBlockParam, ...).
  for (const name of [
    "RequestTextBlock",
    "RequestImageBlock",
    "RequestToolUseBlock",
    "RequestToolResultBlock",
    "Tool",
  ])
    schemas[name].properties.cache_control = cacheControl;
  schemas.RequestTextBlock.properties.citations = nullable({ type: "array" });
  // Tool: `type: "custom"`, `strict`; URLImageSource.
  Object.assign(schemas.Tool.properties, {
    type: nullable(constant("custom")),
    strict: { type: "boolean" },
  });
  schemas.URLImageSource = object({ type: constant("url"), url: { type: "string" } }, ["type", "url"]);
  addBranches(schemas.RequestImageBlock.properties.source, { url: "URLImageSource" });

  // Thinking: ThinkingBlockParam, RedactedThinkingBlockParam, ThinkingConfigParam.
  schemas.RequestThinkingBlock = object(
    { type: constant("thinking"), thinking: { type: "string" }, signature: { type: "string" } },
    ["type", "thinking", "signature"],
  );
  schemas.RequestRedactedThinkingBlock = object(
    { type: constant("redacted_thinking"), data: { type: "string" } },
    ["type", "data"],
  );
  addBranches(schemas.InputMessage.properties.content.anyOf[1].items, {
    thinking: "RequestThinkingBlock",
    redacted_thinking: "RequestRedactedThinkingBlock",
  });
  const display = nullable({ type: "string", enum: ["summarized", "omitted"] });
  schemas.ThinkingConfigEnabled = object(
    { type: constant("enabled"), budget_tokens: { type: "integer", minimum: 1024 }, display },
    ["type", "budget_tokens"],
  );
  schemas.ThinkingConfigDisabled = object({ type: constant("disabled") }, ["type"]);
  schemas.ThinkingConfigAdaptive = object({ type: constant("adaptive"), display }, ["type"]);
  schemas.ThinkingConfigParam = {
    oneOf: [ref("ThinkingConfigEnabled"), ref("ThinkingConfigDisabled"), ref("ThinkingConfigAdaptive")],
    discriminator: {
      propertyName: "type",
      mapping: {
        enabled: `${REF}ThinkingConfigEnabled`,
        disabled: `${REF}ThinkingConfigDisabled`,
        adaptive: `${REF}ThinkingConfigAdaptive`,
      },
    },
  };

  // Tool choice `none`; the web search server tool (WebSearchTool20250305), the one server tool the tests use.
  schemas.ToolChoiceNone = object({ type: constant("none") }, ["type"]);
  addBranches(schemas.ToolChoice, { none: "ToolChoiceNone" });
  schemas.WebSearchTool20250305 = object(
    {
      type: constant("web_search_20250305"),
      name: constant("web_search"),
      max_uses: nullable({ type: "integer", minimum: 1 }),
      allowed_domains: nullable({ type: "array", items: { type: "string" } }),
      blocked_domains: nullable({ type: "array", items: { type: "string" } }),
      user_location: nullable({ type: "object" }),
      cache_control: cacheControl,
    },
    ["type", "name"],
  );

  // MessageCreateParams: thinking, service_tier, and server tools among `tools`.
  const params = schemas.CreateMessageParams.properties;
  params.thinking = ref("ThinkingConfigParam");
  params.service_tier = { type: "string", enum: ["auto", "standard_only"] };
  schemas.JSONOutputFormat = object({ type: constant("json_schema"), schema: { type: "object" } }, [
    "type",
    "schema",
  ]);
  schemas.OutputConfig = object(
    {
      effort: nullable({ type: "string", enum: ["low", "medium", "high", "xhigh", "max"] }),
      format: nullable(ref("JSONOutputFormat")),
    },
    [],
  );
  params.output_config = ref("OutputConfig");
  params.tools.items = { anyOf: [ref("Tool"), ref("WebSearchTool20250305")] };

  // MessageCountTokensParams: the fields of MessageCreateParams that count_tokens takes.
  schemas.CountMessageTokensParams = object(
    Object.fromEntries(
      ["model", "messages", "system", "thinking", "tool_choice", "tools", "output_config"].map((key) => [
        key,
        params[key],
      ]),
    ),
    ["model", "messages"],
  );
  schemas.MessageTokensCount = object({ input_tokens: { type: "integer" } }, ["input_tokens"], false);

  // Responses: ThinkingBlock, RedactedThinkingBlock, the stop reasons added since, and the deltas.
  schemas.ResponseThinkingBlock = object(
    { type: constant("thinking"), thinking: { type: "string" }, signature: { type: "string" } },
    ["type", "thinking", "signature"],
    false,
  );
  schemas.ResponseRedactedThinkingBlock = object(
    { type: constant("redacted_thinking"), data: { type: "string" } },
    ["type", "data"],
    false,
  );
  const thinkingBlocks = {
    thinking: "ResponseThinkingBlock",
    redacted_thinking: "ResponseRedactedThinkingBlock",
  };
  addBranches(schemas.ContentBlock, thinkingBlocks);
  addBranches(schemas.ContentBlockStartEvent.properties.content_block, thinkingBlocks);
  schemas.ThinkingContentBlockDelta = object(
    { type: constant("thinking_delta"), thinking: { type: "string" } },
    ["type", "thinking"],
    false,
  );
  schemas.SignatureContentBlockDelta = object(
    { type: constant("signature_delta"), signature: { type: "string" } },
    ["type", "signature"],
    false,
  );
  addBranches(schemas.ContentBlockDeltaEvent.properties.delta, {
    thinking_delta: "ThinkingContentBlockDelta",
    signature_delta: "SignatureContentBlockDelta",
  });
  addStopReasons(schemas.Message.properties.stop_reason);
  addStopReasons(schemas.MessageDelta.properties.stop_reason);

  // Usage and MessageDeltaUsage: cache and thinking counts (nullable where the SDK says `| null`).
  const count = nullable({ type: "integer" });
  Object.assign(schemas.Usage.properties, {
    cache_creation_input_tokens: count,
    cache_read_input_tokens: count,
    cache_creation: nullable(
      object(
        { ephemeral_1h_input_tokens: { type: "integer" }, ephemeral_5m_input_tokens: { type: "integer" } },
        ["ephemeral_1h_input_tokens", "ephemeral_5m_input_tokens"],
        false,
      ),
    ),
    output_tokens_details: nullable(
      object({ thinking_tokens: { type: "integer" } }, ["thinking_tokens"], false),
    ),
    service_tier: nullable({ type: "string", enum: ["standard", "priority", "batch"] }),
  });
  Object.assign(schemas.MessageDeltaUsage.properties, {
    input_tokens: count,
    cache_creation_input_tokens: count,
    cache_read_input_tokens: count,
    output_tokens_details: schemas.Usage.properties.output_tokens_details,
  });

  // Errors: GatewayTimeoutErrorObject, and ErrorResponse.request_id; the `ping` event.
  schemas.GatewayTimeoutError = object(
    { type: constant("timeout_error"), message: { type: "string" } },
    ["type", "message"],
    false,
  );
  addBranches(schemas.ErrorResponse.properties.error, { timeout_error: "GatewayTimeoutError" });
  schemas.ErrorResponse.properties.request_id = nullable({ type: "string" });
  schemas.PingEvent = object({ type: constant("ping") }, ["type"], false);

  return [
    `**Extended** from ${ANTHROPIC_SDK}, the official SDK generated from Anthropic's current spec (the mirror dates from 2024-11): \`CacheControlEphemeral.ttl\`; \`cache_control\` on RequestTextBlock, RequestImageBlock, RequestToolUseBlock, RequestToolResultBlock and Tool; \`RequestTextBlock.citations\`; \`Tool.type\` (custom) and \`strict\`; URLImageSource; RequestThinkingBlock and RequestRedactedThinkingBlock in InputMessage content; ThinkingConfigParam (enabled, disabled, adaptive) as \`CreateMessageParams.thinking\`; \`service_tier\`; OutputConfig (effort, and JSONOutputFormat for structured outputs) as \`output_config\`; ToolChoiceNone; WebSearchTool20250305 among \`tools\`; CountMessageTokensParams (the MessageCountTokensParams fields of CreateMessageParams) and MessageTokensCount; ResponseThinkingBlock and ResponseRedactedThinkingBlock in ContentBlock and ContentBlockStartEvent; ThinkingContentBlockDelta and SignatureContentBlockDelta; the stop reasons ${STOP_REASONS_ADDED.join(", ")}; the cache, thinking and service-tier fields of Usage and MessageDeltaUsage; GatewayTimeoutError and \`ErrorResponse.request_id\`; PingEvent.`,
  ];
}
