import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * An OpenAI-shaped upstream for the exactness suite: every chat completion answers after `delayMs` with fixed
 * usage, and the upstream counts what it sees: requests, and the most it ever had in flight at once (the
 * probe of the concurrency test, incremented when a request arrives and decremented when its answer is sent).
 */
export interface Behaviour {
  delayMs: number;
  promptTokens: number;
  completionTokens: number;
  /** Answers this status with an OpenAI error body instead of a completion (default 200). */
  status?: number;
}

export interface CountingUpstream {
  url: string;
  requests: number;
  /** Requests by model (the route's upstream model name), since the start. */
  byModel: Map<string, number>;
  maxInFlight: number;
  inFlight: number;
  /** Per route-model (the `model` of the body): delay and usage. */
  configure(model: string, behaviour: Behaviour): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startCountingUpstream(): Promise<CountingUpstream> {
  const behaviours = new Map<string, Behaviour>();
  const sockets = new Set<Socket>();
  const state: CountingUpstream = {
    url: "",
    requests: 0,
    byModel: new Map(),
    maxInFlight: 0,
    inFlight: 0,
    configure: (model, behaviour) => behaviours.set(model, behaviour),
    reset: () => {
      state.requests = 0;
      state.maxInFlight = 0;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      state.requests++;
      state.inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      const model = (JSON.parse(body) as { model?: string }).model ?? "";
      state.byModel.set(model, (state.byModel.get(model) ?? 0) + 1);
      const behaviour = behaviours.get(model) ?? { delayMs: 0, promptTokens: 10, completionTokens: 10 };
      const status = behaviour.status ?? 200;
      const failure = JSON.stringify({
        error: { message: "The server is overloaded.", type: "server_error", param: null, code: null },
      });
      const answer = JSON.stringify({
        id: `chatcmpl-${state.requests}`,
        object: "chat.completion",
        created: 1_700_000_000,
        model,
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: "ok", refusal: null },
            logprobs: null,
            finish_reason: "stop",
          },
        ],
        usage: {
          prompt_tokens: behaviour.promptTokens,
          completion_tokens: behaviour.completionTokens,
          total_tokens: behaviour.promptTokens + behaviour.completionTokens,
        },
      });
      const finish = (): void => {
        state.inFlight--;
        if (!response.destroyed)
          response
            .writeHead(status, { "content-type": "application/json" })
            .end(status === 200 ? answer : failure);
      };
      if (behaviour.delayMs > 0) setTimeout(finish, behaviour.delayMs);
      else finish();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
