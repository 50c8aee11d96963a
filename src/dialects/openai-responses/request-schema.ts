import { z } from "zod";

/**
 * The body of `POST /v1/responses` as far as the gateway reads it (OpenAI's CreateResponse,
 * https://platform.openai.com/docs/api-reference/responses/create). Strict about the types of the fields it maps;
 * items and tools are checked by the decoder, which knows which ones it can translate, and every other field is
 * kept for a same-dialect relay. OpenAI accepts `null` for optional fields and treats it as absent.
 */
const itemSchema = z.looseObject({ type: z.string().nullish() });

const functionToolSchema = z.looseObject({
  type: z.literal("function"),
  name: z.string().min(1),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});

export const TOOL_CHOICE_MODES = ["none", "auto", "required"] as const;

const formatSchema = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("text") }),
  z.looseObject({ type: z.literal("json_object") }),
  z.looseObject({
    type: z.literal("json_schema"),
    name: z.string().min(1),
    schema: z.record(z.string(), z.unknown()),
    strict: z.boolean().nullish(),
  }),
]);

export const REASONING_EFFORTS = ["none", "minimal", "low", "medium", "high", "xhigh", "max"] as const;

export const responsesRequestSchema = z.looseObject({
  /** The route, as in every OpenAI-shaped API. Listed first so that a missing model is reported first. */
  model: z.string().min(1),
  input: z.union([z.string(), z.array(itemSchema)]).nullish(),
  instructions: z.string().nullish(),
  tools: z.array(z.looseObject({ type: z.string() })).nullish(),
  tool_choice: z
    .union([z.enum(TOOL_CHOICE_MODES), z.looseObject({ type: z.string(), name: z.string().nullish() })])
    .nullish(),
  text: z.looseObject({ format: formatSchema.nullish(), verbosity: z.string().nullish() }).nullish(),
  reasoning: z
    .looseObject({
      effort: z.enum(REASONING_EFFORTS).nullish(),
      summary: z.enum(["auto", "concise", "detailed"]).nullish(),
    })
    .nullish(),
  max_output_tokens: z.number().int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  stream: z.boolean().nullish(),
  store: z.boolean().nullish(),
  previous_response_id: z.string().min(1).nullish(),
  include: z.array(z.string()).nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  background: z.boolean().nullish(),
});

export type ResponsesRequestBody = z.output<typeof responsesRequestSchema>;
export type FunctionToolBody = z.output<typeof functionToolSchema>;

/** A `tools` entry of type `function`, validated; undefined for other types (the decoder reports those). */
export function parseFunctionTool(tool: unknown): z.ZodSafeParseResult<FunctionToolBody> {
  return functionToolSchema.safeParse(tool);
}
