import { z } from "zod";

/**
 * GenerateContentRequest as documented (https://ai.google.dev/api/generate-content#request-body, and Vertex's
 * https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/v1/projects.locations.publishers.models/generateContent),
 * written by hand because Google publishes its schema only as a discovery document, which the shared specs could
 * not include (see /work/shared/providers.md §9). Objects are strict, so a field Gemini does not know fails as it
 * would upstream ("Invalid JSON payload received. Unknown name ..."); each Part sets exactly one kind of data.
 */

const record = z.record(z.string(), z.unknown());

const part = z
  .object({
    text: z.string().optional(),
    inlineData: z
      .object({ mimeType: z.string().min(1), data: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/) })
      .strict()
      .optional(),
    fileData: z
      .object({ mimeType: z.string().optional(), fileUri: z.string().min(1) })
      .strict()
      .optional(),
    functionCall: z
      .object({ name: z.string().min(1), args: record.optional(), id: z.string().optional() })
      .strict()
      .optional(),
    functionResponse: z
      .object({ name: z.string().min(1), response: record, id: z.string().optional() })
      .strict()
      .optional(),
    thought: z.boolean().optional(),
    thoughtSignature: z.string().optional(),
  })
  .strict()
  .refine(
    (value) =>
      ["text", "inlineData", "fileData", "functionCall", "functionResponse"].filter(
        (key) => value[key as keyof typeof value] !== undefined,
      ).length === 1,
    "a Part must set exactly one of text, inlineData, fileData, functionCall, functionResponse",
  );

const content = z.object({ role: z.enum(["user", "model"]), parts: z.array(part).min(1) }).strict();

const functionDeclaration = z
  .object({
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/),
    description: z.string().optional(),
    parameters: record.optional(),
    parametersJsonSchema: record.optional(),
    response: record.optional(),
    responseJsonSchema: record.optional(),
  })
  .strict();

const generationConfig = z
  .object({
    temperature: z.number().min(0).max(2).optional(),
    topP: z.number().min(0).max(1).optional(),
    topK: z.number().int().optional(),
    top_k: z.number().int().optional(),
    candidateCount: z.number().int().min(1).max(8).optional(),
    maxOutputTokens: z.number().int().min(1).optional(),
    stopSequences: z.array(z.string()).max(5).optional(),
    seed: z.number().int().optional(),
    presencePenalty: z.number().optional(),
    frequencyPenalty: z.number().optional(),
    responseMimeType: z.string().optional(),
    responseSchema: record.optional(),
    responseJsonSchema: record.optional(),
    responseLogprobs: z.boolean().optional(),
    logprobs: z.number().int().optional(),
    thinkingConfig: z
      .object({
        thinkingBudget: z.number().int().optional(),
        includeThoughts: z.boolean().optional(),
        thinkingLevel: z.string().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const generateContentRequestSchema = z
  .object({
    contents: z.array(content).min(1),
    systemInstruction: z
      .object({ role: z.string().optional(), parts: z.array(part).min(1) })
      .strict()
      .optional(),
    tools: z
      .array(z.object({ functionDeclarations: z.array(functionDeclaration).min(1) }).strict())
      .optional(),
    toolConfig: z
      .object({
        functionCallingConfig: z
          .object({
            mode: z.enum(["AUTO", "ANY", "NONE", "VALIDATED"]),
            allowedFunctionNames: z.array(z.string()).optional(),
          })
          .strict(),
      })
      .strict()
      .optional(),
    safetySettings: z.array(z.object({ category: z.string(), threshold: z.string() }).strict()).optional(),
    generationConfig: generationConfig.optional(),
    cachedContent: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
  })
  .strict();

export const batchEmbedRequestSchema = z
  .object({
    requests: z
      .array(
        z
          .object({
            model: z.string().regex(/^models\/.+/),
            content: z.object({ parts: z.array(z.object({ text: z.string() }).strict()).min(1) }).strict(),
            taskType: z.string().optional(),
            title: z.string().optional(),
            outputDimensionality: z.number().int().min(1).optional(),
          })
          .strict(),
      )
      .min(1)
      .max(100),
  })
  .strict();

export const vertexPredictRequestSchema = z
  .object({
    instances: z
      .array(
        z
          .object({ content: z.string(), task_type: z.string().optional(), title: z.string().optional() })
          .strict(),
      )
      .min(1)
      .max(250),
    parameters: z
      .object({ outputDimensionality: z.number().int().optional(), autoTruncate: z.boolean().optional() })
      .strict()
      .optional(),
  })
  .strict();

export function zodProblems(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  if (result.success) return [];
  return result.error.issues.map((issue) => `/${issue.path.join("/")}: ${issue.message}`);
}
