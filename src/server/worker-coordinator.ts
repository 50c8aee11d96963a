import { CoordinationError, type Coordinator, DEFAULT_CALL_TIMEOUT_MS } from "../coordination/coordinator.js";
import { TopicListeners } from "../coordination/topic-listeners.js";
import type { CoordinationReply, CoordinationRequest } from "./coordination-messages.js";

interface PendingCall {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** A cluster worker's side of the coordination channel: calls and events travel to and from the primary. */
export class WorkerCoordinator implements Coordinator {
  private nextId = 1;
  private readonly pending = new Map<number, PendingCall>();
  private readonly topics = new TopicListeners();

  constructor(
    private readonly send: (message: CoordinationRequest) => boolean,
    private readonly onListenerError: (error: unknown) => void,
  ) {}

  call(service: string, payload: unknown, options?: { timeoutMs?: number }): Promise<unknown> {
    const id = this.nextId++;
    const timeoutMs = options?.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new CoordinationError(
            `the primary process did not answer '${service}' within ${timeoutMs} ms`,
            "timeout",
          ),
        );
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      if (!this.send({ type: "coord-call", id, service, payload })) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new CoordinationError("the primary process is gone", "owner_gone"));
      }
    });
  }

  publish(topic: string, payload: unknown): void {
    this.send({ type: "coord-publish", topic, payload });
  }

  subscribe(topic: string, listener: (payload: unknown) => void): () => void {
    return this.topics.subscribe(topic, listener);
  }

  receive(message: CoordinationReply): void {
    if (message.type === "coord-event") {
      this.topics.deliver(message.topic, message.payload, this.onListenerError);
      return;
    }
    const call = this.pending.get(message.id);
    if (call === undefined) return; // timed out already
    this.pending.delete(message.id);
    clearTimeout(call.timer);
    if (message.ok) call.resolve(message.value);
    else call.reject(new CoordinationError(message.message, message.reason as CoordinationError["reason"]));
  }

  /** The primary went away: nothing in flight will be answered. */
  failPending(): void {
    for (const [id, call] of this.pending) {
      clearTimeout(call.timer);
      call.reject(new CoordinationError("the primary process is gone", "owner_gone"));
      this.pending.delete(id);
    }
  }
}

/** The part of a worker's `process` the coordination channel uses. */
export interface ChannelToPrimary {
  connected: boolean;
  send?: (
    message: unknown,
    sendHandle: undefined,
    options: object,
    callback: (error: Error | null) => void,
  ) => boolean;
}

/**
 * Sends over the IPC channel to the primary; false only when the channel is closed. `process.send` also answers
 * false when its backlog is long (a busy primary), but it has queued the message then: treating that as "the
 * primary is gone" failed calls that would have been answered (seen as 503s under load).
 */
export function sendToPrimary(channel: ChannelToPrimary, message: unknown): boolean {
  if (channel.send === undefined || !channel.connected) return false;
  // A channel closing meanwhile reports its error here rather than as an 'error' event; the call times out.
  channel.send(message, undefined, {}, () => {});
  return true;
}
