import type { GatewayConfig } from "../config/gateway-config.js";
import { DEFAULT_RESPONSES_SETTINGS } from "../config/responses-store-settings.js";
import type { OwnedService } from "../coordination/coordinator.js";
import { MemoryResponseStore } from "./memory-response-store.js";
import { RESPONSE_STORE_SERVICE, type ResponseStoreCall } from "./response-store.js";

/**
 * The owned service that holds stored responses for every worker (the `local` store kind): one memory store in
 * the owner process, limits updated on reload.
 */
export function createResponseStoreService(config: GatewayConfig, now?: () => number): OwnedService {
  const settingsOf = (of: GatewayConfig) => (of.responses ?? DEFAULT_RESPONSES_SETTINGS).store;
  const store = new MemoryResponseStore(settingsOf(config), now);
  return {
    name: RESPONSE_STORE_SERVICE,
    handle: (payload) => {
      const call = payload as ResponseStoreCall;
      switch (call.op) {
        case "put":
          return store.put(call.stored);
        case "get":
          return store.get(call.id) ?? null;
        case "delete":
          return store.delete(call.id);
        case "conversation":
          return store.conversation(call.id) ?? null;
        case "items":
          return store.items(call.ids).map((item) => item ?? null);
        default:
          throw new Error(
            `unknown response store operation ${JSON.stringify((call as { op?: unknown }).op)}`,
          );
      }
    },
    applyConfig: (next) => store.configure(settingsOf(next as GatewayConfig)),
  };
}
