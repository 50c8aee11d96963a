import { useEffect, useRef, useState } from "preact/hooks";
import type { RouteSummary } from "../../../src/console/console-wire.js";
import { fetchRoutes } from "../api.js";
import { formatMs } from "../format.js";
import {
  curlCommand,
  type PlaygroundInput,
  planRequest,
  type RouteKind,
} from "../playground/playground-request.js";
import { EMPTY_RESULT, type PlaygroundResult, runPlayground } from "../playground/run-playground.js";

/** Kept for the browser tab only: the playground never stores a key beyond it. */
const KEY_STORAGE = "switchyard-console-api-key";

const TEXT_LABEL: Record<RouteKind, string> = {
  "llm/v1/chat": "User message",
  "llm/v1/completions": "Prompt",
  "llm/v1/embeddings": "Text to embed",
};

/** Try a route through the gateway's public API, streaming the answer as it arrives. */
export function PlaygroundPage() {
  const [routes, setRoutes] = useState<RouteSummary[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [input, setInput] = useState<PlaygroundInput>({
    route: "",
    kind: "llm/v1/chat",
    system: "",
    text: "Hello! Tell me a short story.",
    maxTokens: "",
    temperature: "",
    stream: true,
  });
  const [apiKey, setApiKey] = useState(() => sessionStorage.getItem(KEY_STORAGE) ?? "");
  const [result, setResult] = useState<PlaygroundResult>(EMPTY_RESULT);
  const [sent, setSent] = useState<string>("");
  const [copied, setCopied] = useState(false);
  const abort = useRef<AbortController | null>(null);

  useEffect(() => {
    fetchRoutes().then(
      (view) => {
        setRoutes(view.routes);
        const first = view.routes[0];
        if (first !== undefined)
          setInput((previous) => ({ ...previous, route: first.name, kind: first.type as RouteKind }));
      },
      (error: Error) => setLoadError(error.message),
    );
    return () => abort.current?.abort();
  }, []);

  const planned = planRequest(input);
  const curl = curlCommand(window.location.origin, planned, apiKey !== "");
  const change = (patch: Partial<PlaygroundInput>): void =>
    setInput((previous) => ({ ...previous, ...patch }));

  const send = (): void => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    sessionStorage.setItem(KEY_STORAGE, apiKey);
    setSent(`POST ${planned.path}\n\n${JSON.stringify(planned.body, null, 2)}`);
    void runPlayground(planned, apiKey, controller.signal, setResult);
  };
  const copy = (): void => {
    navigator.clipboard?.writeText(curl).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };

  if (loadError !== null) return <p class="error-text">Could not read the routes: {loadError}</p>;
  if (routes === null) return <p class="muted">Loading the routes…</p>;
  if (routes.length === 0) return <p class="muted">The config has no routes to try.</p>;
  return (
    <div class="playground">
      <div>
        <label for="pg-route">Route</label>
        <select
          id="pg-route"
          value={input.route}
          onChange={(event) => {
            const route = routes.find((entry) => entry.name === event.currentTarget.value);
            if (route !== undefined) change({ route: route.name, kind: route.type as RouteKind });
          }}
        >
          {routes.map((route) => (
            <option key={route.name} value={route.name}>
              {route.name} ({route.type})
            </option>
          ))}
        </select>
        {input.kind === "llm/v1/chat" ? (
          <>
            <label for="pg-system">System prompt (optional)</label>
            <textarea
              id="pg-system"
              value={input.system}
              onInput={(event) => change({ system: event.currentTarget.value })}
            />
          </>
        ) : null}
        <label for="pg-text">{TEXT_LABEL[input.kind]}</label>
        <textarea
          id="pg-text"
          value={input.text}
          onInput={(event) => change({ text: event.currentTarget.value })}
        />
        {input.kind === "llm/v1/embeddings" ? null : (
          <>
            <label for="pg-max-tokens">Max tokens (optional)</label>
            <input
              id="pg-max-tokens"
              inputMode="numeric"
              value={input.maxTokens}
              onInput={(event) => change({ maxTokens: event.currentTarget.value })}
            />
            <label for="pg-temperature">Temperature (optional)</label>
            <input
              id="pg-temperature"
              inputMode="decimal"
              value={input.temperature}
              onInput={(event) => change({ temperature: event.currentTarget.value })}
            />
            <label for="pg-stream">
              <input
                id="pg-stream"
                type="checkbox"
                checked={input.stream}
                onChange={(event) => change({ stream: event.currentTarget.checked })}
              />{" "}
              Stream the answer
            </label>
          </>
        )}
        <label for="pg-key">API key (only if the gateway requires one; kept in this tab)</label>
        <input
          id="pg-key"
          type="password"
          autoComplete="off"
          value={apiKey}
          onInput={(event) => setApiKey(event.currentTarget.value)}
        />
        <div class="toolbar actions">
          <button type="button" id="pg-send" onClick={send} disabled={result.running || input.route === ""}>
            Send
          </button>
          <button
            type="button"
            class="secondary"
            onClick={() => abort.current?.abort()}
            disabled={!result.running}
          >
            Stop
          </button>
          <button type="button" class="secondary" id="pg-copy-curl" onClick={copy}>
            {copied ? "Copied" : "Copy as curl"}
          </button>
        </div>
        <h3 class="section">curl</h3>
        <pre class="raw" id="pg-curl">
          {curl}
        </pre>
      </div>
      <div>
        <div class="stats">
          <span>
            status <b>{result.status ?? "–"}</b>
          </span>
          <span>
            first token <b id="pg-ttft">{formatMs(result.ttftMs)}</b>
          </span>
          <span>
            total <b>{formatMs(result.totalMs)}</b>
          </span>
          <span>
            pieces <b>{result.pieces}</b>
          </span>
          <span>
            tokens{" "}
            <b id="pg-usage">
              {result.usage === null
                ? "–"
                : `${result.usage.prompt_tokens ?? "?"} in, ${result.usage.completion_tokens ?? 0} out`}
            </b>
          </span>
          <span>
            cost{" "}
            <b id="pg-cost">
              {result.costUsd !== null
                ? `$${result.costUsd}`
                : result.running || result.usage === null
                  ? "–"
                  : "unpriced"}
            </b>
          </span>
          {result.target === null ? null : (
            <span>
              served by <b>{result.target}</b> ({result.attempts}{" "}
              {result.attempts === "1" ? "attempt" : "attempts"})
            </span>
          )}
        </div>
        {result.error === null ? null : (
          <p class="error-text" id="pg-error">
            {result.error}
          </p>
        )}
        <div class="output" id="pg-output" data-pieces={result.pieces} data-running={String(result.running)}>
          {result.answer}
        </div>
        <h3 class="section">Raw request</h3>
        <pre class="raw" id="pg-raw-request">
          {sent}
        </pre>
        <h3 class="section">Raw response</h3>
        <pre class="raw" id="pg-raw-response">
          {result.rawResponse}
        </pre>
      </div>
    </div>
  );
}
