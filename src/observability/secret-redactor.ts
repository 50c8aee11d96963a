/**
 * Provider keys must never reach a response, a log line or a metric, even when an upstream echoes one back in
 * an error message. Every secret resolved from the config is registered here, and text that leaves the
 * gateway from an untrusted source (upstream messages, log lines) passes through `redactSecrets`.
 * Secrets stay registered after a reload retires them: a stale key in a late message is still a key.
 */
const secrets = new Set<string>();
let pattern: RegExp | undefined;

export const REDACTED = "[REDACTED]";

export function registerSecrets(values: Iterable<string>): void {
  let changed = false;
  for (const value of values) {
    // Very short values would redact ordinary words; real keys are long.
    if (value.length >= 8 && !secrets.has(value)) {
      secrets.add(value);
      changed = true;
    }
  }
  if (changed) {
    const alternatives = [...secrets].sort((a, b) => b.length - a.length).map(escapeRegExp);
    pattern = new RegExp(alternatives.join("|"), "g");
  }
}

export function redactSecrets(text: string): string {
  return pattern === undefined ? text : text.replace(pattern, REDACTED);
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
