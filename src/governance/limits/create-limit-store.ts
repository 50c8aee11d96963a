import type { StoreSettings } from "../../config/governance/store-settings.js";
import type { Coordinator } from "../../coordination/coordinator.js";
import type { Logger } from "../../observability/logger.js";
import { CoordinatedLimitStore } from "./coordinated-limit-store.js";
import type { LimitStore } from "./limit-store.js";
import { RedisLimitStore } from "./redis-limit-store.js";

/** The limit store a worker uses: the owner's embedded ledger, or Redis shared by every replica. */
export function createLimitStore(
  settings: StoreSettings,
  coordinator: Coordinator,
  logger?: Logger,
): LimitStore {
  if (settings.kind === "local") return new CoordinatedLimitStore(coordinator);
  return new RedisLimitStore({
    url: settings.url,
    hashTag: settings.hashTag,
    commandTimeoutMs: settings.commandTimeoutMs,
    onUnavailable: settings.onUnavailable,
    ...(logger === undefined ? {} : { logger }),
    // The exactness suite's control run: a limiter that is deliberately not atomic (never set otherwise).
    naive: process.env.SWITCHYARD_TEST_NAIVE_LIMITER === "1",
  });
}
