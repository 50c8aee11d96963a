import { z } from "zod";

/**
 * Request bodies of the MLflow AI Gateway API (the 2.5-2.8 contract): temperature 0..1 (default 0),
 * candidate_count 1..5 (default 1). Unknown top-level fields are kept and forwarded to the provider.
 */
const ROLES = ["system", "developer", "user", "assistant", "tool"] as const;

const contentPartSchema = z.looseObject({ type: z.string() });

const messageSchema = z.looseObject({
  role: z.enum(ROLES),
  content: z.union([z.string(), z.array(contentPartSchema)], {
    error: "must be a string or a list of content parts",
  }),
  name: z.string().optional(),
});

const stopSchema = z
  .union([z.string().transform((stop) => [stop]), z.array(z.string()).min(1)], {
    error: "must be a string or a non-empty list of strings",
  })
  .optional();

/** Fields whose meaning the gateway knows and maps for every provider. */
const samplingShape = {
  temperature: z.number().min(0).max(1).default(0),
  candidate_count: z.number().int().min(1).max(5).default(1),
  max_tokens: z.number().int().min(1).optional(),
  stop: stopSchema,
  top_p: z.number().min(0).max(1).optional(),
  seed: z.number().int().optional(),
};

export const chatRequestSchema = z.looseObject({ messages: z.array(messageSchema).min(1), ...samplingShape });
export const completionsRequestSchema = z.looseObject({ prompt: z.string(), ...samplingShape });

const textsSchema = z.union([z.string(), z.array(z.string()).min(1)], {
  error: "must be a string or a non-empty list of strings",
});
export const embeddingsRequestSchema = z.looseObject({
  text: textsSchema.optional(),
  texts: textsSchema.optional(),
});

/** The keys each schema consumes; every other key is forwarded as it is. */
export const SAMPLING_KEYS = Object.keys(samplingShape);
const samplingSchema = z.object(samplingShape);
export type SamplingFields = z.output<typeof samplingSchema>;
