import { mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A config folder of its own per test, so that file watchers never see another test's files. */
export function createConfigDirectory(): string {
  return mkdtempSync(join(tmpdir(), "switchyard-e2e-"));
}

/** Saves the way many editors do: write a temporary file, then rename it over the original. */
export function saveAtomically(path: string, text: string): void {
  const temporary = `${path}.tmp-${process.pid}-${Date.now()}`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

export function mockRoutesYaml(routes: { name: string; type?: string; latencyMs?: number }[]): string {
  if (routes.length === 0) return "routes: []\n";
  return `routes:\n${routes
    .map(
      (route) => `  - name: ${route.name}
    type: ${route.type ?? "llm/v1/chat"}
    model:
      provider: mock
      name: mock-echo
      config:
        latency_ms: ${route.latencyMs ?? 0}
`,
    )
    .join("")}`;
}
