import type { FastifyInstance, HTTPMethods } from "fastify";

const METHODS: HTTPMethods[] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/**
 * The methods a path is served with, from the router itself: a request for a path that exists with another
 * method is a 405 with `Allow`, not a misleading 404. Asked only when routing found nothing, so it costs the
 * request path nothing.
 */
export function allowedMethods(app: FastifyInstance, path: string): HTTPMethods[] {
  return METHODS.filter((method) => app.findRoute({ method, url: path }) !== null);
}
