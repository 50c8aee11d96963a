import { z } from "zod";
import { GatewayError } from "../../canonical/index.js";
import { safeParseReportingInput } from "../parse-reporting-input.js";
import { describeZodIssue, dottedPath } from "../zod-issue-text.js";

/**
 * The body of `POST /v1/messages` (and of `/v1/messages/count_tokens`) as far as the gateway reads it (Anthropic's
 * MessageCreateParams, https://docs.anthropic.com/en/api/messages). Strict about the types of the fields it maps;
 * content blocks and tools are checked by the decoder, which knows which ones it can translate, and every other
 * field is kept for a same-dialect relay.
 */
const blockSchema = z.looseObject({ type: z.string() });

const messageSchema = z.looseObject({
  role: z.enum(["user", "assistant"]),
  content: z.union([z.string(), z.array(blockSchema)]),
});

const systemSchema = z.union([
  z.string(),
  z.array(z.looseObject({ type: z.literal("text"), text: z.string() })),
]);

const toolChoiceSchema = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("auto"), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal("any"), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({
    type: z.literal("tool"),
    name: z.string().min(1),
    disable_parallel_tool_use: z.boolean().optional(),
  }),
  z.looseObject({ type: z.literal("none") }),
]);

const thinkingSchema = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("enabled"), budget_tokens: z.number().int().min(1024) }),
  z.looseObject({ type: z.literal("disabled") }),
  z.looseObject({ type: z.literal("adaptive") }),
]);

const outputConfigSchema = z.looseObject({
  effort: z.enum(["low", "medium", "high", "xhigh", "max"]).nullish(),
  format: z
    .looseObject({ type: z.literal("json_schema"), schema: z.record(z.string(), z.unknown()) })
    .nullish(),
});

/** What count_tokens takes (MessageCountTokensParams): the prompt, without generation settings. */
export const countTokensRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(messageSchema).min(1),
  system: systemSchema.optional(),
  tools: z.array(z.looseObject({})).optional(),
  tool_choice: toolChoiceSchema.optional(),
  thinking: thinkingSchema.optional(),
  output_config: outputConfigSchema.optional(),
});

export const messagesRequestSchema = countTokensRequestSchema.extend({
  max_tokens: z.number().int().min(1),
  stop_sequences: z.array(z.string()).optional(),
  stream: z.boolean().optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
});

export type MessagesRequestBody = z.output<typeof messagesRequestSchema>;
export type CountTokensRequestBody = z.output<typeof countTokensRequestSchema>;
export type MessageBody = z.output<typeof messageSchema>;

/**
 * Validates a body, with Anthropic's style of message (`max_tokens: Field required`,
 * https://docs.anthropic.com/en/api/errors): the field's dotted path, then what is wrong. One line per problem;
 * `param` names the first.
 */
export function parseAnthropicBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new GatewayError("invalid_body", "The request body must be a JSON object.");
  }
  const result = safeParseReportingInput(schema, body);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = dottedPath(issue.path);
    const text =
      issue.input === undefined && issue.code === "invalid_type"
        ? "Field required"
        : describeZodIssue(issue, true);
    return { path, message: `${path === "" ? "body" : path}: ${text}` };
  });
  const first = problems[0];
  throw new GatewayError("invalid_body", problems.map((problem) => problem.message).join("; "), {
    ...(first === undefined || first.path === "" ? {} : { param: first.path }),
  });
}
