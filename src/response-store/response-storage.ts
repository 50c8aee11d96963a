import type { GatewayConfig } from "../config/gateway-config.js";
import { DEFAULT_RESPONSES_SETTINGS, type ResponseStoreSettings } from "../config/responses-settings.js";
import type { Coordinator } from "../coordination/coordinator.js";
import { CoordinatedResponseStore } from "./coordinated-response-store.js";
import { RedisResponseStore } from "./redis-response-store.js";
import type { ResponseStore } from "./response-store.js";

/**
 * What the Responses API of one worker knows of storage: whether it is on (`responses.store.kind`, applied on
 * reload) and the store itself: the owner of gateway-wide state's memory (`local`, reached through the
 * coordinator), or Redis (`redis`, reached directly by every worker and replica).
 */
export class ResponseStorage {
  private settings: ResponseStoreSettings;
  private readonly local: CoordinatedResponseStore;
  private redis: RedisResponseStore | undefined;

  constructor(config: GatewayConfig, coordinator: Coordinator) {
    this.settings = settingsOf(config);
    this.local = new CoordinatedResponseStore(coordinator);
    if (this.settings.kind === "redis") this.redis = new RedisResponseStore(this.settings);
  }

  get store(): ResponseStore {
    return this.redis ?? this.local;
  }

  get enabled(): boolean {
    return this.settings.kind !== "off";
  }

  /** A reload may change the kind, the Redis server or only the limits; a Redis connection no longer used closes. */
  applyConfig(config: GatewayConfig): void {
    this.settings = settingsOf(config);
    const previous = this.redis;
    if (this.settings.kind !== "redis") {
      this.redis = undefined;
    } else if (previous?.sameRedis(this.settings) === true) {
      previous.configure(this.settings);
      return;
    } else {
      this.redis = new RedisResponseStore(this.settings);
    }
    // Requests in flight may still hold the old store: let their commands finish before disconnecting.
    if (previous !== undefined) setTimeout(() => void previous.close(), 30_000).unref();
  }

  async close(): Promise<void> {
    await this.redis?.close();
    this.redis = undefined;
  }
}

function settingsOf(config: GatewayConfig): ResponseStoreSettings {
  return (config.responses ?? DEFAULT_RESPONSES_SETTINGS).store;
}
