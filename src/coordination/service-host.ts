import { CoordinationError, type OwnedService } from "./coordinator.js";

/** The owner's side: the services it holds, by name, and the one way to call them. */
export class ServiceHost {
  private readonly services = new Map<string, OwnedService>();

  constructor(services: readonly OwnedService[] = []) {
    for (const service of services) this.add(service);
  }

  add(service: OwnedService): void {
    if (this.services.has(service.name)) throw new Error(`service '${service.name}' is hosted twice`);
    this.services.set(service.name, service);
  }

  /** Runs one call; a throwing service becomes a `CoordinationError` carrying only its message. */
  async handle(name: string, payload: unknown): Promise<unknown> {
    const service = this.services.get(name);
    if (service === undefined)
      throw new CoordinationError(`no service '${name}' is hosted by the owner`, "unknown_service");
    try {
      return await service.handle(payload);
    } catch (error) {
      if (error instanceof CoordinationError) throw error;
      throw new CoordinationError(error instanceof Error ? error.message : String(error), "service_failed");
    }
  }

  applyConfig(config: unknown): void {
    for (const service of this.services.values()) service.applyConfig?.(config);
  }

  async close(): Promise<void> {
    for (const service of this.services.values()) await service.close?.();
  }
}
