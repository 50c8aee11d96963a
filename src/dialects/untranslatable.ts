import type { ChatRequest } from "../canonical/index.js";

/**
 * Something a request asks for that the canonical model cannot carry, so that only an upstream of the client's
 * own dialect can honour it, by relaying the request as it is: a provider's built-in tools (Anthropic's web
 * search, OpenAI's file search, ...), items of their results, provider-side state. A request with one is never
 * translated: the gateway answers 400 naming it, rather than dropping it silently.
 */
export interface Untranslatable {
  /** What it is, in the client's words: "the web_search_20250305 tool". */
  what: string;
  /** The request field, as a dotted path (`tools.2`). */
  param: string;
}

/** A decoded chat-style request, and what in it the canonical model could not carry. */
export interface DecodedChat {
  request: ChatRequest;
  untranslatable: Untranslatable[];
}
