import { RECALL_WAIT_MS } from "./grant-policy.js";

interface Recall {
  /** The grants asked back and not answered yet. */
  ids: Set<string>;
  done: Promise<void>;
  resolve: () => void;
  timer: NodeJS.Timeout;
}

/**
 * Recalls in progress, one per limit: the admissions waiting for the grants on that limit to come back. A
 * recall ends when every grant it asked back has been answered (returned, or shrunk to the slots still in use),
 * or after RECALL_WAIT_MS (a holder too busy or gone: the admission is decided on what came back).
 */
export class RecallWaiters {
  private readonly recalls = new Map<string, Recall>();

  /** Waits for the grants `ids` on `key` to be answered; `send` asks the holders (once per recall). */
  wait(key: string, ids: readonly string[], send: () => void): Promise<void> {
    const running = this.recalls.get(key);
    if (running !== undefined) return running.done;
    let resolve = (): void => {};
    const done = new Promise<void>((settle) => {
      resolve = settle;
    });
    const timer = setTimeout(() => this.end(key), RECALL_WAIT_MS);
    timer.unref();
    this.recalls.set(key, { ids: new Set(ids), done, resolve, timer });
    send();
    return done;
  }

  running(key: string): boolean {
    return this.recalls.has(key);
  }

  /** A holder answered for these grants. */
  answered(ids: Iterable<string>): void {
    if (this.recalls.size === 0) return;
    for (const id of ids) {
      for (const [key, recall] of this.recalls) {
        recall.ids.delete(id);
        if (recall.ids.size === 0) this.end(key);
      }
    }
  }

  releaseAll(): void {
    for (const key of [...this.recalls.keys()]) this.end(key);
  }

  private end(key: string): void {
    const recall = this.recalls.get(key);
    if (recall === undefined) return;
    this.recalls.delete(key);
    clearTimeout(recall.timer);
    recall.resolve();
  }
}
