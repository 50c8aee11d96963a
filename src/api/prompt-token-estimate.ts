import { type ChatRequest, textOfContent } from "../canonical/index.js";
import { loadTokenizer } from "../providers/mock-tokenizer.js";

/**
 * The size of a prompt in tokens, counted with o200k_base (GPT-4o's tokenizer) over its text: every message's
 * text, reasoning and tool calls, and the tool definitions. An estimate, for token counting on targets whose
 * provider offers no counting endpoint; providers' own tokenizers differ by some percent.
 */
export async function estimatePromptTokens(request: ChatRequest): Promise<number> {
  const tokenizer = await loadTokenizer();
  let tokens = 0;
  for (const message of request.messages) {
    tokens += tokenizer.countTokens(textOfContent(message.content));
    for (const reasoning of message.reasoning ?? []) tokens += tokenizer.countTokens(reasoning.text);
    for (const call of message.toolCalls ?? []) tokens += tokenizer.countTokens(call.name + call.arguments);
  }
  for (const tool of request.tools ?? []) {
    const parameters = tool.parameters === undefined ? "" : JSON.stringify(tool.parameters);
    tokens += tokenizer.countTokens(`${tool.name} ${tool.description ?? ""} ${parameters}`);
  }
  return tokens;
}
