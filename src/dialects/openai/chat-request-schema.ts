import { z } from "zod";
import { samplingShape } from "./sampling-fields.js";

/**
 * The body of `POST /v1/chat/completions` as far as the gateway reads it (OpenAI's CreateChatCompletionRequest,
 * https://platform.openai.com/docs/api-reference/chat/create). Strict about the types of the fields it maps;
 * every other field is kept and forwarded. Content parts other than text (image_url, input_audio, file) pass
 * through as they are, for the providers that understand them.
 */
const contentPartSchema = z.looseObject({ type: z.string() }).superRefine((part, ctx) => {
  if (part.type === "text" && typeof part.text !== "string") {
    ctx.addIssue({ code: "custom", path: ["text"], message: "a text part needs a 'text' string." });
  }
});

const contentSchema = z.union([z.string(), z.array(contentPartSchema)]);

const toolCallSchema = z.looseObject({
  id: z.string(),
  type: z.literal("function"),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

const messageSchema = z.discriminatedUnion("role", [
  z.looseObject({ role: z.literal("system"), content: contentSchema, name: z.string().nullish() }),
  z.looseObject({ role: z.literal("developer"), content: contentSchema, name: z.string().nullish() }),
  z.looseObject({ role: z.literal("user"), content: contentSchema, name: z.string().nullish() }),
  z.looseObject({
    role: z.literal("assistant"),
    // Optional when the message carries tool calls (or the legacy function_call, which is not mapped).
    content: contentSchema.nullish(),
    name: z.string().nullish(),
    tool_calls: z.array(toolCallSchema).nullish(),
  }),
  z.looseObject({ role: z.literal("tool"), content: contentSchema, tool_call_id: z.string() }),
]);

const toolSchema = z.discriminatedUnion("type", [
  z.looseObject({
    type: z.literal("function"),
    function: z.looseObject({
      name: z.string().min(1),
      description: z.string().nullish(),
      parameters: z.record(z.string(), z.unknown()).nullish(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

const toolChoiceSchema = z.union([
  z.enum(["none", "auto", "required"]),
  z.looseObject({ type: z.literal("function"), function: z.looseObject({ name: z.string() }) }),
]);

const responseFormatSchema = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("text") }),
  z.looseObject({ type: z.literal("json_object") }),
  z.looseObject({
    type: z.literal("json_schema"),
    json_schema: z.looseObject({
      name: z.string().min(1),
      schema: z.record(z.string(), z.unknown()).nullish(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

export const chatRequestSchema = z.looseObject({
  ...samplingShape,
  messages: z.array(messageSchema).min(1),
  max_completion_tokens: z.number().int().min(1).nullish(),
  tools: z.array(toolSchema).nullish(),
  tool_choice: toolChoiceSchema.nullish(),
  response_format: responseFormatSchema.nullish(),
  reasoning_effort: z.enum(["none", "minimal", "low", "medium", "high", "xhigh", "max"]).nullish(),
  parallel_tool_calls: z.boolean().nullish(),
});

/** Body keys the chat decoder maps (besides the shared sampling ones); all others go to `extra`. */
export const CHAT_KEYS = [
  "messages",
  "max_completion_tokens",
  "tools",
  "tool_choice",
  "response_format",
  "reasoning_effort",
  "parallel_tool_calls",
] as const;

export type ChatRequestBody = z.output<typeof chatRequestSchema>;
export type ChatMessageBody = ChatRequestBody["messages"][number];
