import { adminErrorFormat } from "./admin-error-format.js";
import { anthropicErrorFormat } from "./anthropic-error-format.js";
import type { ErrorFormat } from "./error-format.js";
import { mlflowErrorFormat } from "./mlflow-error-format.js";
import { openAIErrorFormat } from "./openai-error-format.js";

/**
 * Every API's error format, the default (MLflow's, which owns `/`) first. A new API adds its format file and
 * one line here; nothing else in the error handling changes.
 */
export const ERROR_FORMATS: readonly ErrorFormat[] = [
  mlflowErrorFormat,
  openAIErrorFormat,
  adminErrorFormat,
  anthropicErrorFormat,
];

const byPrefix = ERROR_FORMATS.flatMap((format) =>
  format.pathPrefixes.map((prefix) => ({ prefix, format })),
).sort((a, b) => b.prefix.length - a.prefix.length);

/** The format of the API a path belongs to: the one with the longest matching prefix (`/v1` counts as `/v1/`). */
export function errorFormatFor(url: string): ErrorFormat {
  const query = url.indexOf("?");
  const path = query === -1 ? url : url.slice(0, query);
  for (const { prefix, format } of byPrefix) {
    if (path.startsWith(prefix) || `${path}/` === prefix) return format;
  }
  return mlflowErrorFormat;
}
