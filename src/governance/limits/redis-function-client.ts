import type { Redis } from "ioredis";

/** One function call in flight: when it must have answered, and how to fail it if it has not. */
interface InFlight {
  deadline: number;
  fail: (error: Error) => void;
  done: boolean;
}

/**
 * Calls the functions of one Redis Functions library (`FCALL`), loading the library first and again when Redis
 * lost it (a failover, a `FUNCTION FLUSH`). Every call has a bounded time, kept by one shared deadline rather
 * than a timer per call: answers on one connection arrive in the order the calls were sent, so only the oldest
 * call in flight can be the next to run out of time, and one timer, re-armed for it, is enough. Deadlines are
 * on the monotonic clock: a wall clock that jumps neither fails calls early nor lets them wait longer.
 */
export class RedisFunctionClient {
  private loaded: Promise<void> | undefined;
  private ready = false;
  private readonly inFlight: InFlight[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly source: string,
    private readonly timeoutMs: number,
  ) {}

  /** Calls `name` with the keys and arguments. */
  async call(name: string, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    if (!this.ready) await this.load();
    const argv: (string | number)[] = [name, keys.length];
    for (const key of keys) argv.push(key);
    for (const arg of args) argv.push(arg);
    try {
      return await this.bounded(this.redis.call("FCALL", argv));
    } catch (error) {
      if (!/Function not found/i.test(String((error as Error).message))) throw error;
      this.forget();
      await this.load();
      return this.bounded(this.redis.call("FCALL", argv));
    }
  }

  /** The library must be loaded again before the next call (a new connection may reach a new server). */
  forget(): void {
    this.ready = false;
    this.loaded = undefined;
  }

  load(): Promise<void> {
    this.loaded ??= this.bounded(this.redis.call("FUNCTION", "LOAD", "REPLACE", this.source)).then(
      () => {
        this.ready = true;
      },
      (error: unknown) => {
        this.loaded = undefined;
        throw error;
      },
    );
    return this.loaded;
  }

  /** The reply of any command on the connection, failed if it has not come within the time limit. */
  bounded<T>(reply: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const call: InFlight = { deadline: performance.now() + this.timeoutMs, fail: reject, done: false };
      this.inFlight.push(call);
      this.timer ??= setTimeout(this.expire, this.timeoutMs).unref();
      reply.then(
        (value) => {
          call.done = true;
          this.dropAnswered();
          resolve(value);
        },
        (error: unknown) => {
          call.done = true;
          this.dropAnswered();
          reject(error);
        },
      );
    });
  }

  private dropAnswered(): void {
    while (this.inFlight[0]?.done === true) this.inFlight.shift();
  }

  /** Fails the calls past their deadline (Redis is slow or gone: the caller decides in its degraded mode). */
  private readonly expire = (): void => {
    this.timer = undefined;
    const now = performance.now();
    let oldest = this.inFlight[0];
    while (oldest !== undefined && (oldest.done || oldest.deadline <= now)) {
      this.inFlight.shift();
      if (!oldest.done) {
        oldest.done = true;
        oldest.fail(new Error(`Redis did not answer within ${this.timeoutMs} ms`));
      }
      oldest = this.inFlight[0];
    }
    if (oldest !== undefined)
      this.timer = setTimeout(this.expire, Math.max(1, oldest.deadline - now)).unref();
  };
}
