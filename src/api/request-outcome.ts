import type { FastifyReply, FastifyRequest } from "fastify";
import { connectionAnswerOf } from "./client-errors.js";

/**
 * nginx's "client closed request": the client (or a proxy in front of the gateway) went away before its response
 * was complete, a stream included. Counted, so that abandoned requests show rather than vanish.
 */
export const CLIENT_CLOSED_REQUEST = 499;

/**
 * What sees each request: metrics, the access log, tracing. `ended` is called exactly once per request, with the
 * status it ended with, whether its response finished or its connection closed first.
 */
export interface RequestWatcher {
  /** When the request arrives, before its body is read. */
  started?(request: FastifyRequest, reply: FastifyReply): void;
  ended(request: FastifyRequest, reply: FastifyReply, status: number): void;
}

declare module "fastify" {
  interface FastifyRequest {
    /** The status the request ended with, once it has (see RequestOutcomes); null while it is under way. */
    endStatus: number | null;
  }
}

/**
 * The status a request ended with: its HTTP status, unless the response never finished (the connection closed
 * first: 499, or the status Node answered on the connection itself, a 408 for a body that never came) or a
 * stream that had already answered 200 ended with an error frame (the error's status, set in
 * `observation.outcomeStatus` by whoever wrote that frame).
 */
export function outcomeStatus(request: FastifyRequest, reply: FastifyReply): number {
  if (!reply.raw.writableFinished) return connectionAnswerOf(request.raw) ?? CLIENT_CLOSED_REQUEST;
  return request.observation?.outcomeStatus ?? reply.statusCode;
}

/**
 * Tells the watchers about every request exactly once when it ends. One `close` listener per response decides:
 * Node emits `close` once, after `finish` when the response completed and without it when the connection went
 * first (Node does not flag a request whose body was read as aborted, and Fastify's `onRequestAbort` and
 * `onResponse` each miss one of the two cases). Nothing depends on the order of the watchers: none consumes
 * what another reads.
 */
export class RequestOutcomes {
  private readonly starting: RequestWatcher[] = [];
  private readonly ending: RequestWatcher[] = [];

  watch(watcher: RequestWatcher): void {
    if (watcher.started !== undefined) this.starting.push(watcher);
    this.ending.push(watcher);
  }

  /** Called for every request as it arrives (an `onRequest` hook, and Fastify's framework errors, which skip hooks). */
  track(request: FastifyRequest, reply: FastifyReply): void {
    for (const watcher of this.starting) watcher.started?.(request, reply);
    reply.raw.once("close", () => this.end(request, reply));
  }

  private end(request: FastifyRequest, reply: FastifyReply): void {
    const status = outcomeStatus(request, reply);
    request.endStatus = status;
    for (const watcher of this.ending) {
      // A listener of Node's event: a throw here would crash the worker, not fail one request.
      try {
        watcher.ended(request, reply, status);
      } catch (error) {
        request.log.error({ err: error }, "recording the end of a request failed");
      }
    }
  }
}
