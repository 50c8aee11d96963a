/**
 * Label-bound children of a prom-client metric, created once per label combination. prom-client validates and
 * hashes (sorting keys) the label object on every observation; the request path instead looks a child up by a
 * joined key. Combinations are bounded: labels only carry config names and the gateway's own values.
 */
export class LabelCache<Child> {
  private readonly children = new Map<string, Child>();

  constructor(private readonly create: (...values: string[]) => Child) {}

  get(...values: string[]): Child {
    const key = values.join("\u0001");
    let child = this.children.get(key);
    if (child === undefined) {
      child = this.create(...values);
      this.children.set(key, child);
    }
    return child;
  }
}
