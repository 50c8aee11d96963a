import type { StoreSettings } from "../../config/governance/store-settings.js";
import { TEST_HOOKS } from "../../config/test-hooks.js";
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
    // Test-only hooks of the exactness suite (DESIGN.md, "Test-only hooks"): off outside NODE_ENV=test.
    naive: TEST_HOOKS.naiveLimiter,
    settleReplays: TEST_HOOKS.settleReplays,
  });
}
