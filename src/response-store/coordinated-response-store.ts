import type { Coordinator } from "../coordination/coordinator.js";
import {
  RESPONSE_STORE_SERVICE,
  type ResponseStore,
  type ResponseStoreCall,
  type StoredResponse,
} from "./response-store.js";

/** A worker's view of the stored responses: every operation asks the owner's service (response-store-service.ts). */
export class CoordinatedResponseStore implements ResponseStore {
  constructor(private readonly coordinator: Coordinator) {}

  async put(stored: StoredResponse): Promise<void> {
    await this.call({ op: "put", stored });
  }

  async get(id: string): Promise<StoredResponse | undefined> {
    return ((await this.call({ op: "get", id })) as StoredResponse | null) ?? undefined;
  }

  async delete(id: string): Promise<boolean> {
    return (await this.call({ op: "delete", id })) === true;
  }

  async conversation(id: string): Promise<unknown[] | undefined> {
    return ((await this.call({ op: "conversation", id })) as unknown[] | null) ?? undefined;
  }

  async items(ids: readonly string[]): Promise<(unknown | undefined)[]> {
    const found = (await this.call({ op: "items", ids: [...ids] })) as unknown[];
    return found.map((item) => item ?? undefined);
  }

  private call(payload: ResponseStoreCall): Promise<unknown> {
    return this.coordinator.call(RESPONSE_STORE_SERVICE, payload);
  }
}
