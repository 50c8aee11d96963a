import type { GatewayConfig } from "../config/gateway-config.js";
import { DEFAULT_RESPONSES_SETTINGS, type ResponseStoreSettings } from "../config/responses-settings.js";
import type { Coordinator } from "../coordination/coordinator.js";
import { CoordinatedResponseStore } from "./coordinated-response-store.js";
import type { ResponseStore } from "./response-store.js";

/**
 * What the Responses API of one worker knows of storage: whether it is on (`responses.store.kind`, applied on
 * reload) and the store itself, reached through the owner of gateway-wide state.
 */
export class ResponseStorage {
  readonly store: ResponseStore;
  private settings: ResponseStoreSettings;

  constructor(config: GatewayConfig, coordinator: Coordinator) {
    this.settings = settingsOf(config);
    this.store = new CoordinatedResponseStore(coordinator);
  }

  get enabled(): boolean {
    return this.settings.kind !== "off";
  }

  applyConfig(config: GatewayConfig): void {
    this.settings = settingsOf(config);
  }
}

function settingsOf(config: GatewayConfig): ResponseStoreSettings {
  return (config.responses ?? DEFAULT_RESPONSES_SETTINGS).store;
}
