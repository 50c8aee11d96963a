import type { Coordinator, OwnedService } from "./coordinator.js";
import { ServiceHost } from "./service-host.js";
import { TopicListeners } from "./topic-listeners.js";

/**
 * A gateway in one process is its own owner: calls go straight to the services. Payloads are copied as the
 * IPC channel would (JSON), so a service behaves the same in a cluster and in tests.
 */
export class InProcessCoordinator implements Coordinator {
  readonly host: ServiceHost;
  private readonly topics = new TopicListeners();

  constructor(
    services: readonly OwnedService[] = [],
    private readonly onListenerError: (error: unknown) => void = () => {},
  ) {
    this.host = new ServiceHost(services);
  }

  async call(service: string, payload: unknown): Promise<unknown> {
    const answer = await this.host.handle(service, copy(payload));
    return copy(answer);
  }

  publish(topic: string, payload: unknown): void {
    const event = copy(payload);
    // Asynchronous, as across processes: a publisher never runs its listeners inside its own call stack.
    queueMicrotask(() => this.topics.deliver(topic, event, this.onListenerError));
  }

  subscribe(topic: string, listener: (payload: unknown) => void): () => void {
    return this.topics.subscribe(topic, listener);
  }

  async close(): Promise<void> {
    await this.host.close();
  }
}

function copy(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}
