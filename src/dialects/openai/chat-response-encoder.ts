import { type ChatChoice, type ChatResponse, reasoningText, type ToolCall } from "../../canonical/index.js";
import { encodeChatFinishReason, type OpenAIChatFinishReason } from "./finish-reason-encoder.js";
import { createResponseId } from "./response-id.js";
import { encodeOpenAIUsage, type OpenAIUsage } from "./usage-encoder.js";

export interface OpenAIToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

/** A `chat.completion` object (OpenAI's CreateChatCompletionResponse). */
export interface OpenAIChatCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: {
    index: number;
    message: {
      role: "assistant";
      content: string | null;
      refusal: null;
      tool_calls?: OpenAIToolCall[];
      annotations: [];
      /** Not in OpenAI's schema: DeepSeek's field, which OpenAI SDKs pass on (and LangChain reads). */
      reasoning_content?: string;
    };
    logprobs: null;
    finish_reason: OpenAIChatFinishReason;
  }[];
  usage: OpenAIUsage;
}

/**
 * Encodes a canonical chat response as OpenAI's `chat.completion` object
 * (https://platform.openai.com/docs/api-reference/chat/object). `model` is what the client is told served the
 * request: pass `reportedModel(response.model, routeName)` to answer as OpenAI does. The upstream's id is kept
 * when it gave one, else an OpenAI-style id is made. Unknown token counts are written as 0 (see encodeOpenAIUsage).
 */
export function encodeOpenAIChatResponse(response: ChatResponse, model: string): OpenAIChatCompletion {
  return {
    id: response.id ?? createResponseId("chatcmpl"),
    object: "chat.completion",
    created: response.created,
    model,
    choices: response.choices.map(encodeChoice),
    usage: encodeOpenAIUsage(response.usage),
  };
}

function encodeChoice(choice: ChatChoice): OpenAIChatCompletion["choices"][number] {
  const message: OpenAIChatCompletion["choices"][number]["message"] = {
    role: "assistant",
    content: choice.message.content,
    refusal: null,
    annotations: [],
  };
  const calls = choice.message.toolCalls;
  if (calls !== undefined && calls.length > 0) message.tool_calls = calls.map(encodeToolCall);
  const reasoning = reasoningText(choice.message.reasoning);
  if (reasoning !== "") message.reasoning_content = reasoning;
  return {
    index: choice.index,
    message,
    logprobs: null,
    finish_reason: encodeChatFinishReason(choice.finishReason),
  };
}

export function encodeToolCall(call: ToolCall): OpenAIToolCall {
  return { id: call.id, type: "function", function: { name: call.name, arguments: call.arguments } };
}
