import { ai21Row } from "./ai21labs.js";
import type { CompatibleRow } from "./compatible-row.js";
import { databricksRow } from "./databricks.js";
import { deepseekRow } from "./deepseek.js";
import { fireworksRow } from "./fireworks.js";
import { groqRow } from "./groq.js";
import { tgiRow } from "./huggingface-tgi.js";
import { llamacppRow } from "./llamacpp.js";
import { lmstudioRow } from "./lmstudio.js";
import { mistralRow } from "./mistral.js";
import { ollamaRow } from "./ollama.js";
import { openaiCompatibleRow } from "./openai-compatible-server.js";
import { openrouterRow } from "./openrouter.js";
import { togetherRow } from "./togetherai.js";
import { vllmRow } from "./vllm.js";
import { xaiRow } from "./xai.js";

/** The OpenAI-compatible providers' rows of the conformance table, one per line. */
export const COMPATIBLE_ROWS: readonly CompatibleRow[] = [
  mistralRow,
  groqRow,
  togetherRow,
  fireworksRow,
  deepseekRow,
  xaiRow,
  openrouterRow,
  ai21Row,
  databricksRow,
  vllmRow,
  ollamaRow,
  lmstudioRow,
  llamacppRow,
  tgiRow,
  openaiCompatibleRow,
];
