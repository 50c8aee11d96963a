import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * An OpenAI-shaped upstream for the exactness suite: every chat completion answers after `delayMs` with fixed
 * usage, and the upstream counts what it sees: requests, and the most it ever had in flight at once (the
 * probe of the concurrency test, incremented when a request arrives and decremented when its answer is sent).
 */
export interface CountingUpstream {
  url: string;
  requests: number;
  maxInFlight: number;
  inFlight: number;
  /** Per route-model (the `model` of the body): delay and usage. */
  configure(
    model: string,
    behaviour: { delayMs: number; promptTokens: number; completionTokens: number },
  ): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startCountingUpstream(): Promise<CountingUpstream> {
  const behaviours = new Map<string, { delayMs: number; promptTokens: number; completionTokens: number }>();
  const sockets = new Set<Socket>();
  const state: CountingUpstream = {
    url: "",
    requests: 0,
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
      const behaviour = behaviours.get(model) ?? { delayMs: 0, promptTokens: 10, completionTokens: 10 };
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
        if (!response.destroyed) response.writeHead(200, { "content-type": "application/json" }).end(answer);
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
