import type { RouteStrategy } from "../config/gateway-config.js";

/**
 * The order in which a request tries a route's targets. `fallback`: config order. `weighted`: a random order in
 * which each target's chance of coming first is its share of the weights (and so on for the rest), so traffic
 * splits by weight and every other target still serves as a fallback.
 */
export function orderTargets<T extends { weight: number }>(
  targets: readonly T[],
  strategy: RouteStrategy,
  random: () => number = Math.random,
): T[] {
  if (strategy === "fallback" || targets.length < 2) return [...targets];
  const remaining = [...targets];
  const ordered: T[] = [];
  while (remaining.length > 0) {
    const total = remaining.reduce((sum, target) => sum + target.weight, 0);
    let draw = random() * total;
    let chosen = remaining.length - 1;
    for (let index = 0; index < remaining.length; index++) {
      draw -= (remaining[index] as T).weight;
      if (draw < 0) {
        chosen = index;
        break;
      }
    }
    ordered.push(...remaining.splice(chosen, 1));
  }
  return ordered;
}
