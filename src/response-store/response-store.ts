/**
 * The Responses API's stored state (https://platform.openai.com/docs/api-reference/responses): what lets a
 * client continue a conversation by `previous_response_id`, retrieve a response, or reference an item, instead
 * of sending the whole conversation each time. Payloads are plain JSON (they cross the IPC channel to the owner).
 */
export interface StoredResponse {
  /** The Response object as the gateway answered it, reasoning tokens (`encrypted_content`) included. */
  response: Record<string, unknown>;
  /** The input items this request added to the conversation (its `input`, item references resolved). */
  input: unknown[];
  /** The response this one continued, or null. */
  previousResponseId: string | null;
}

export interface ResponseStore {
  put(stored: StoredResponse): Promise<void>;
  get(id: string): Promise<StoredResponse | undefined>;
  /** Whether there was such a response to delete. */
  delete(id: string): Promise<boolean>;
  /**
   * The conversation up to and including response `id`, as input items: each response's input then its output,
   * oldest first. Undefined when the response, or one it continued, is no longer stored.
   */
  conversation(id: string): Promise<unknown[] | undefined>;
  /** Items of stored responses (inputs and outputs) by their `id`; undefined for an id that is not stored. */
  items(ids: readonly string[]): Promise<(unknown | undefined)[]>;
}

/** The name of the owned service that holds the responses (see server/owned-services.ts). */
export const RESPONSE_STORE_SERVICE = "responses-store";

/** One call to the owned service. */
export type ResponseStoreCall =
  | { op: "put"; stored: StoredResponse }
  | { op: "get"; id: string }
  | { op: "delete"; id: string }
  | { op: "conversation"; id: string }
  | { op: "items"; ids: string[] };
