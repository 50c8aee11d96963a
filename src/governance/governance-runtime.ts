import type { GatewayConfig } from "../config/gateway-config.js";
import { usesGatewayKeys } from "../config/governance/governance-config.js";
import type { Coordinator } from "../coordination/coordinator.js";
import type { Logger } from "../observability/logger.js";
import { AccessControl } from "./access/access-control.js";
import { AuditedWriter } from "./admin/audited-write.js";
import { HierarchyAdmin } from "./admin/hierarchy-admin.js";
import { KeyAdmin } from "./admin/key-admin.js";
import { ObjectReader } from "./admin/object-reader.js";
import type { KeyHasher } from "./keys/key-digest.js";
import { type DeclaredRecords, declaredRecords } from "./objects/declared-records.js";
import { CoordinatedGovernanceStore } from "./store/coordinated-governance-store.js";
import type { GovernanceStore } from "./store/governance-store.js";
import { whenReady } from "./store/redis-connection.js";
import { RedisGovernanceStore } from "./store/redis-governance-store.js";

/** The admin API's operations, present once gateway keys are in use (a pepper is configured). */
export interface GovernanceAdmin {
  store: GovernanceStore;
  keys: KeyAdmin;
  hierarchy: HierarchyAdmin;
  reader: ObjectReader;
}

/** Start-up waits at most this long for Redis; a gateway whose Redis is down still starts (degraded). */
const REDIS_READY_TIMEOUT_MS = 3000;

/**
 * A worker's governance: access control on the request path and the admin API's operations, over the store the
 * config names. Built once per serving gateway; `applyConfig` takes reloads. The store is created only when
 * gateway keys are in use, so a gateway without them never opens a file or a connection.
 */
export class GovernanceRuntime {
  private storeInstance: GovernanceStore | undefined;
  private declared: DeclaredRecords;
  private accessControl: AccessControl;
  private adminOperations: GovernanceAdmin | undefined;

  private constructor(
    private config: GatewayConfig,
    private readonly coordinator: Coordinator,
    private readonly logger: Logger | undefined,
  ) {
    this.declared = declaredRecords(config.governance, new Date().toISOString());
    this.accessControl = this.build();
  }

  static async create(
    config: GatewayConfig,
    coordinator: Coordinator,
    logger?: Logger,
  ): Promise<GovernanceRuntime> {
    const runtime = new GovernanceRuntime(config, coordinator, logger);
    await runtime.whenStoreReady();
    return runtime;
  }

  get access(): AccessControl {
    return this.accessControl;
  }

  /** Undefined while gateway keys are not in use. */
  get admin(): GovernanceAdmin | undefined {
    return this.adminOperations;
  }

  applyConfig(config: GatewayConfig): void {
    const previous = this.config.governance.store;
    this.config = config;
    this.declared = declaredRecords(config.governance, new Date().toISOString());
    if (
      this.storeInstance !== undefined &&
      JSON.stringify(previous) !== JSON.stringify(config.governance.store)
    )
      this.logger?.warn(
        "the 'governance.store' settings changed; they take effect when the gateway restarts",
      );
    if (this.storeInstance === undefined && usesGatewayKeys(config.governance)) {
      this.accessControl = this.build();
      return;
    }
    this.accessControl.configure(config.governance, this.declared);
  }

  /**
   * The readiness check: the store answers a read (a gateway whose Redis is down still serves the keys it knows,
   * but should get no new traffic). The message is fixed: a store's own error may name its address.
   */
  async probe(): Promise<void> {
    if (this.storeInstance === undefined) return;
    try {
      await this.storeInstance.get("org", "readiness-probe");
    } catch {
      throw new Error("the governance store does not answer");
    }
  }

  async close(): Promise<void> {
    await this.storeInstance?.close();
  }

  private build(): AccessControl {
    const store = usesGatewayKeys(this.config.governance) ? this.openStore() : undefined;
    const access = new AccessControl(store, this.config.governance, this.declared);
    if (store !== undefined) {
      const reader = new ObjectReader(store, () => this.declared);
      const writer = new AuditedWriter(store, this.logger, (kind, id) =>
        kind === "key" ? access.directory.forget(id) : undefined,
      );
      const hasher = (): KeyHasher => {
        const current = this.accessControl.keyHasher;
        if (current === undefined) throw new Error("gateway keys are not configured (no pepper)");
        return current;
      };
      this.adminOperations = {
        store,
        reader,
        keys: new KeyAdmin(store, reader, writer, hasher),
        hierarchy: new HierarchyAdmin(reader, writer),
      };
    }
    return access;
  }

  private openStore(): GovernanceStore {
    if (this.storeInstance !== undefined) return this.storeInstance;
    const settings = this.config.governance.store;
    this.storeInstance =
      settings.kind === "local"
        ? new CoordinatedGovernanceStore(this.coordinator)
        : new RedisGovernanceStore(settings, (error) =>
            this.logger?.error({ err: error }, "a governance change event could not be handled"),
          );
    return this.storeInstance;
  }

  private async whenStoreReady(): Promise<void> {
    const store = this.storeInstance;
    if (!(store instanceof RedisGovernanceStore)) return;
    if (!(await whenReady(store.redis, REDIS_READY_TIMEOUT_MS))) {
      this.logger?.warn(
        "Redis (governance.store.url) is not reachable; gateway keys not yet cached are refused with 503 until it is",
      );
      return;
    }
    const policy = await store.evictionPolicy();
    if (policy !== undefined && policy !== "noeviction")
      this.logger?.warn(
        `Redis evicts keys under memory pressure (maxmemory-policy ${policy}): gateway keys, groups and the audit log could be lost; set maxmemory-policy noeviction`,
      );
  }
}
