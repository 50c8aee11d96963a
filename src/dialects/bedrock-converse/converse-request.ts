import {
  type ChatRequest,
  GatewayError,
  type ResponseFormat,
  type ToolChoice,
  type ToolDefinition,
} from "../../canonical/index.js";
import { isRecord, type JsonRecord } from "../narrow.js";
import { encodeMessages } from "./messages.js";
import { encodeReasoningFields } from "./reasoning.js";

/**
 * Converse's temperature runs from 0 to 1 for every model family it serves
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InferenceConfiguration.html), the
 * canonical one from 0 to 2: the conversion is linear.
 */
const TEMPERATURE_SCALE = 0.5;

/**
 * Members of ConverseRequest a client may set through extra fields; any other extra field is model-specific
 * (`top_k`, Anthropic's `thinking`, ...) and goes into `additionalModelRequestFields`, where Converse passes it
 * to the model, instead of failing validation at the top level.
 */
const TOP_LEVEL_FIELDS = new Set([
  "guardrailConfig",
  "promptVariables",
  "additionalModelResponseFieldPaths",
  "requestMetadata",
  "performanceConfig",
  "serviceTier",
  "outputConfig",
]);

/**
 * Encodes a canonical chat request as a Converse body
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html); the model and the choice
 * between Converse and ConverseStream are in the URL. Canonical fields with no Converse counterpart: `seed`
 * (dropped), `n` (one candidate only, refused above 1), `json_object` output (refused: see
 * encodeResponseFormat). Reasoning goes in `additionalModelRequestFields`, in the model family's own shape
 * (reasoning.ts); a client's own extra fields win over it.
 */
export function encodeConverseRequest(request: ChatRequest, model = ""): JsonRecord {
  if (request.n !== undefined && request.n > 1) {
    throw new GatewayError(
      "parameter_unsupported",
      `The bedrock provider returns one candidate per request; the request must ask for a single candidate (got ${request.n}).`,
      { param: "n" },
    );
  }
  const { system, messages, calledTools } = encodeMessages(request.messages);
  const body: JsonRecord = { messages };
  if (system !== undefined) body.system = system;
  const inference = encodeInferenceConfig(request);
  const reasoning = encodeReasoningFields(request, model);
  if (reasoning.maxTokens !== undefined) inference.maxTokens = reasoning.maxTokens;
  if (Object.keys(inference).length > 0) body.inferenceConfig = inference;
  const toolConfig = encodeToolConfig(request.tools ?? [], request.toolChoice, calledTools);
  if (toolConfig !== undefined) body.toolConfig = toolConfig;
  const outputConfig = encodeResponseFormat(request.responseFormat);
  if (outputConfig !== undefined) body.outputConfig = outputConfig;
  const modelFields: JsonRecord = { ...reasoning.fields };
  for (const [key, value] of Object.entries(request.extra)) {
    if (key === "additionalModelRequestFields" && isRecord(value)) Object.assign(modelFields, value);
    else if (TOP_LEVEL_FIELDS.has(key)) body[key] = value;
    else modelFields[key] = value;
  }
  if (Object.keys(modelFields).length > 0) body.additionalModelRequestFields = modelFields;
  return body;
}

function encodeInferenceConfig(request: ChatRequest): JsonRecord {
  const config: JsonRecord = {};
  if (request.maxTokens !== undefined) config.maxTokens = request.maxTokens;
  if (request.temperature !== undefined) config.temperature = request.temperature * TEMPERATURE_SCALE;
  if (request.topP !== undefined) config.topP = request.topP;
  if (request.stop !== undefined && request.stop.length > 0) config.stopSequences = request.stop;
  return config;
}

/**
 * `toolConfig.tools` must be present whenever the history holds toolUse or toolResult blocks, even if the client
 * no longer offers those tools or asks for no tool call; Converse has no `none` choice. So: a `none` choice sends
 * the tools without a choice when the history needs them (the model may still call one), and tools the history
 * calls but the request no longer lists are declared with an open schema.
 */
function encodeToolConfig(
  tools: ToolDefinition[],
  choice: ToolChoice | undefined,
  calledTools: Set<string>,
): JsonRecord | undefined {
  const specs = tools.map(encodeTool);
  const declared = new Set(tools.map((tool) => tool.name));
  for (const name of calledTools) {
    if (!declared.has(name)) specs.push({ toolSpec: { name, inputSchema: { json: { type: "object" } } } });
  }
  if (specs.length === 0 || (choice === "none" && calledTools.size === 0)) return undefined;
  const config: JsonRecord = { tools: specs };
  if (choice !== undefined && choice !== "none" && tools.length > 0)
    config.toolChoice = encodeToolChoice(choice);
  return config;
}

function encodeTool(tool: ToolDefinition): JsonRecord {
  const spec: JsonRecord = { name: tool.name };
  if (tool.description !== undefined && tool.description !== "") spec.description = tool.description;
  spec.inputSchema = { json: tool.parameters ?? { type: "object", properties: {} } };
  if (tool.strict !== undefined) spec.strict = tool.strict;
  return { toolSpec: spec };
}

/** https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ToolChoice.html */
function encodeToolChoice(choice: Exclude<ToolChoice, "none">): JsonRecord {
  if (choice === "auto") return { auto: {} };
  if (choice === "required") return { any: {} };
  return { tool: { name: choice.name } };
}

/**
 * Structured output: the JSON Schema goes in as a string (JsonSchemaDefinition.schema). Converse has no JSON
 * mode without a schema (OutputFormatType's only value is `json_schema`:
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_OutputFormat.html), and a catch-all
 * schema is no substitute: Claude's structured outputs require `additionalProperties: false` on every object,
 * which turns `{"type": "object"}` into "an empty object". Dropping `json_object` would answer free text to a
 * client that asked for JSON, so it is refused, naming the field and the form that works.
 */
function encodeResponseFormat(format: ResponseFormat | undefined): JsonRecord | undefined {
  if (format?.type === "json_object") {
    throw new GatewayError(
      "parameter_unsupported",
      `The bedrock provider has no JSON mode without a schema: response_format.type 'json_object' is not supported; send {"type": "json_schema", "json_schema": {"name": ..., "schema": {...}}} (Converse's outputConfig.textFormat) or 'text'.`,
      { param: "response_format.type" },
    );
  }
  if (format?.type !== "json_schema") return undefined;
  return {
    textFormat: {
      type: "json_schema",
      structure: { jsonSchema: { schema: JSON.stringify(format.schema), name: format.name } },
    },
  };
}
