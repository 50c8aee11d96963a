import type { StoreSettings } from "../../config/governance/store-settings.js";
import type { Coordinator } from "../../coordination/coordinator.js";
import type { Logger } from "../../observability/logger.js";
import { CoordinatedLimitStore } from "./coordinated-limit-store.js";
import type { LimitStore } from "./limit-store.js";

/** The limit store a worker uses: the owner's embedded ledger, or Redis shared by every replica. */
export function createLimitStore(
  settings: StoreSettings,
  coordinator: Coordinator,
  _logger?: Logger,
): LimitStore {
  return new CoordinatedLimitStore(coordinator);
}
