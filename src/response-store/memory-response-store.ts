import type { ResponseStoreSettings } from "../config/responses-settings.js";
import type { StoredResponse } from "./response-store.js";

interface Entry {
  stored: StoredResponse;
  bytes: number;
  expiresAt: number;
}

/**
 * Stored responses in memory, bounded three ways: a response is kept at most `retentionMs`, and beyond
 * `maxResponses` or `maxBytes` (of their JSON) the oldest go first. Held by the one process that owns
 * gateway-wide state, so every worker sees every response; lost on restart. Synchronous: the owned service
 * calls it.
 */
export class MemoryResponseStore {
  /** Insertion order is age order: a Map iterates in the order keys were added. */
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(
    private settings: ResponseStoreSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** New limits (a reload) apply at once: what no longer fits goes. */
  configure(settings: ResponseStoreSettings): void {
    this.settings = settings;
    this.evict();
  }

  /** Keeps a response; one larger than the whole store is not kept (false). */
  put(stored: StoredResponse): boolean {
    const id = stored.response.id;
    if (typeof id !== "string") return false;
    const bytes = Buffer.byteLength(JSON.stringify(stored));
    this.remove(id);
    if (bytes > this.settings.maxBytes) return false;
    this.entries.set(id, { stored, bytes, expiresAt: this.now() + this.settings.retentionMs });
    this.bytes += bytes;
    this.evict();
    return true;
  }

  get(id: string): StoredResponse | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.remove(id);
      return undefined;
    }
    return entry.stored;
  }

  delete(id: string): boolean {
    return this.get(id) !== undefined && this.remove(id);
  }

  conversation(id: string): unknown[] | undefined {
    const chain: StoredResponse[] = [];
    // Each response continues one stored before it, so the walk ends; the bound guards against a bad id loop.
    for (let next: string | null = id; next !== null && chain.length <= this.entries.size; ) {
      const stored = this.get(next);
      if (stored === undefined) return undefined;
      chain.unshift(stored);
      next = stored.previousResponseId;
    }
    return chain.flatMap((stored) => [...stored.input, ...outputOf(stored)]);
  }

  items(ids: readonly string[]): (unknown | undefined)[] {
    const wanted = new Set(ids);
    const found = new Map<string, unknown>();
    for (const id of [...this.entries.keys()]) {
      const stored = this.get(id);
      if (stored === undefined) continue;
      for (const item of [...stored.input, ...outputOf(stored)]) {
        const itemId = (item as { id?: unknown } | null)?.id;
        if (typeof itemId === "string" && wanted.has(itemId)) found.set(itemId, item);
      }
    }
    return ids.map((id) => found.get(id));
  }

  get size(): number {
    return this.entries.size;
  }

  private evict(): void {
    const now = this.now();
    for (const [id, entry] of this.entries) {
      const over = this.entries.size > this.settings.maxResponses || this.bytes > this.settings.maxBytes;
      if (!over && entry.expiresAt > now) break;
      this.remove(id);
    }
  }

  private remove(id: string): boolean {
    const entry = this.entries.get(id);
    if (entry === undefined) return false;
    this.entries.delete(id);
    this.bytes -= entry.bytes;
    return true;
  }
}

function outputOf(stored: StoredResponse): unknown[] {
  return Array.isArray(stored.response.output) ? stored.response.output : [];
}
