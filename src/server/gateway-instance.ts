import type { FastifyInstance } from "fastify";
import type { MetricsSource } from "../api/metrics-api.js";
import type { GatewayConfig } from "../config/gateway-config.js";
import type { Logger } from "../observability/logger.js";
import { GatewayMetrics } from "../observability/metrics.js";
import { RouteTable } from "../routing/route-table.js";
import { RouteTableHolder } from "../routing/route-table-holder.js";
import { UpstreamPools } from "../routing/upstream-pools.js";
import { buildApp } from "./build-app.js";

export interface GatewayInstanceOptions {
  config: GatewayConfig;
  logger?: Logger;
  bodyLimitBytes?: number;
  /** Where `/metrics` reads from; by default this instance's own metrics. */
  metricsSource?: MetricsSource;
}

/**
 * One serving gateway: its HTTP app, its live route table and its upstream pools. A cluster worker runs one;
 * tests run one in-process.
 */
export class GatewayInstance {
  private constructor(
    readonly app: FastifyInstance,
    readonly metrics: GatewayMetrics,
    private readonly holder: RouteTableHolder,
    private readonly pools: UpstreamPools,
  ) {}

  static async create(options: GatewayInstanceOptions): Promise<GatewayInstance> {
    const pools = new UpstreamPools();
    const holder = new RouteTableHolder(new RouteTable(options.config, pools));
    const metrics = new GatewayMetrics();
    const app = await buildApp({
      routes: holder,
      metrics,
      ...(options.metricsSource === undefined ? {} : { metricsSource: options.metricsSource }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      ...(options.bodyLimitBytes === undefined ? {} : { bodyLimitBytes: options.bodyLimitBytes }),
    });
    return new GatewayInstance(app, metrics, holder, pools);
  }

  /** Swaps in a new config; requests in flight finish on the table they started with. */
  applyConfig(config: GatewayConfig): void {
    this.holder.swap(new RouteTable(config, this.pools));
  }

  async listen(host: string, port: number): Promise<string> {
    return this.app.listen({ host, port });
  }

  /** Stops accepting, lets requests in flight finish, then closes upstream connections. */
  async close(): Promise<void> {
    // A keep-alive connection whose request finishes after close() began turns idle and would hold the server
    // open until the client's keep-alive ends; closing idle connections as they appear lets shutdown finish.
    const sweep = setInterval(() => this.app.server.closeIdleConnections(), 100);
    try {
      await this.app.close();
    } finally {
      clearInterval(sweep);
    }
    this.holder.current.retire();
    await this.pools.closeAll();
  }
}
