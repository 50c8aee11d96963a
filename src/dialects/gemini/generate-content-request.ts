import type { ChatRequest, ResponseFormat, ToolChoice, ToolDefinition } from "../../canonical/index.js";
import { isRecord, type JsonRecord } from "../narrow.js";
import { encodeContents } from "./contents.js";
import {
  encodeThinkingConfig,
  GEMINI_API_TARGET,
  type GeminiTarget,
  THINKING_BUDGET_OF_EFFORT,
} from "./thinking.js";

/**
 * Members of GenerateContentRequest besides `contents`
 * (https://ai.google.dev/api/generate-content#request-body, and Vertex's `labels`), in both JSON spellings that
 * Google's APIs accept. A client's extra field with one of these names goes to the top level; any other extra
 * field (`topK`, `top_k`, `thinkingConfig`, ...) is a generation setting and goes into `generationConfig`.
 */
const TOP_LEVEL_FIELDS = new Set([
  "safetySettings",
  "safety_settings",
  "cachedContent",
  "cached_content",
  "labels",
  "toolConfig",
  "tool_config",
  "tools",
]);
const GENERATION_CONFIG_FIELDS = new Set(["generationConfig", "generation_config"]);

/**
 * Encodes a canonical chat request as a GenerateContentRequest
 * (https://ai.google.dev/api/generate-content#method:-models.generatecontent). Streaming is chosen by the URL
 * (`:streamGenerateContent`), not the body. Gemini's temperature range is 0 to 2, the canonical one's too.
 * Tool parameters and response schemas are sent as full JSON Schema (`parametersJsonSchema`,
 * `responseJsonSchema`), so `additionalProperties`, `$ref` and the like are kept rather than refused by the
 * OpenAPI subset of the older `parameters` and `responseSchema` fields. Reasoning becomes `thinkingConfig`
 * (thinking.ts); a client's own `thinkingConfig` (an extra field) wins over it.
 */
export function encodeGenerateContentRequest(
  request: ChatRequest,
  target: GeminiTarget = GEMINI_API_TARGET,
): JsonRecord {
  const { systemInstruction, contents } = encodeContents(request.messages, target);
  const body: JsonRecord = { contents };
  if (systemInstruction !== undefined) body.systemInstruction = systemInstruction;
  const hasTools = request.tools !== undefined && request.tools.length > 0;
  if (hasTools) body.tools = [{ functionDeclarations: request.tools?.map(encodeTool) }];
  if (request.toolChoice !== undefined && hasTools) {
    body.toolConfig = { functionCallingConfig: encodeToolChoice(request.toolChoice) };
  }
  const generationConfig = encodeGenerationConfig(request);
  if (request.reasoning !== undefined)
    generationConfig.thinkingConfig = encodeThinkingConfig(request.reasoning, target.model);
  for (const [key, value] of Object.entries(request.extra)) {
    if (key === "reasoning_effort" && typeof value === "string" && value in THINKING_BUDGET_OF_EFFORT) {
      generationConfig.thinkingConfig = { thinkingBudget: THINKING_BUDGET_OF_EFFORT[value] };
    } else if (GENERATION_CONFIG_FIELDS.has(key) && isRecord(value)) Object.assign(generationConfig, value);
    else if (TOP_LEVEL_FIELDS.has(key)) body[key] = value;
    else generationConfig[key] = value;
  }
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;
  return body;
}

function encodeGenerationConfig(request: ChatRequest): JsonRecord {
  const config: JsonRecord = {};
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.topP !== undefined) config.topP = request.topP;
  if (request.maxTokens !== undefined) config.maxOutputTokens = request.maxTokens;
  if (request.stop !== undefined && request.stop.length > 0) config.stopSequences = request.stop;
  if (request.n !== undefined && request.n !== 1) config.candidateCount = request.n;
  if (request.seed !== undefined) config.seed = request.seed;
  if (request.responseFormat !== undefined)
    Object.assign(config, encodeResponseFormat(request.responseFormat));
  return config;
}

function encodeResponseFormat(format: ResponseFormat): JsonRecord {
  if (format.type === "text") return {};
  if (format.type === "json_object") return { responseMimeType: "application/json" };
  return { responseMimeType: "application/json", responseJsonSchema: format.schema };
}

/** `strict` has no counterpart: Gemini validates calls against the declaration on its own. */
function encodeTool(tool: ToolDefinition): JsonRecord {
  const declaration: JsonRecord = { name: tool.name };
  if (tool.description !== undefined) declaration.description = tool.description;
  if (tool.parameters !== undefined) declaration.parametersJsonSchema = tool.parameters;
  return declaration;
}

/** https://ai.google.dev/gemini-api/docs/function-calling#function_calling_modes */
function encodeToolChoice(choice: ToolChoice): JsonRecord {
  if (choice === "auto") return { mode: "AUTO" };
  if (choice === "none") return { mode: "NONE" };
  if (choice === "required") return { mode: "ANY" };
  return { mode: "ANY", allowedFunctionNames: [choice.name] };
}
