/** Listeners by topic, for the receiving side of `Coordinator.publish`. */
export class TopicListeners {
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();

  subscribe(topic: string, listener: (payload: unknown) => void): () => void {
    let set = this.listeners.get(topic);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(topic, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  /** A throwing listener must not keep the others from hearing the event, nor break the channel. */
  deliver(topic: string, payload: unknown, onError: (error: unknown) => void): void {
    const set = this.listeners.get(topic);
    if (set === undefined) return;
    for (const listener of set) {
      try {
        listener(payload);
      } catch (error) {
        onError(error);
      }
    }
  }
}
