import type { FastifyInstance } from "fastify";
import { GatewayError } from "../canonical/index.js";
import { keepClientText } from "../serialisation/client-json.js";
import { scanJsonText } from "../serialisation/json-text-scan.js";

/**
 * Every API's JSON body parser: Fastify's own (prototype-poisoning protection included), after a check of how
 * deeply the body nests objects and arrays. The check runs on the text, before anything recursive touches
 * the body: re-serialising a body nested some thousands of levels deep overflows the stack, and a body nested
 * that deep is no request any API defines. A refused body gets 400 in the API's own error format. The same pass
 * finds the top-level `model` value, and the text is kept with the parsed body for relays to splice
 * (serialisation/client-json.ts).
 */
export function useJsonBodyParser(app: FastifyInstance, maxDepth: number): void {
  const parse = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = body as string;
    const scan = scanJsonText(text, maxDepth);
    if (scan.tooDeep) {
      done(
        new GatewayError(
          "json_too_deep",
          `The request body nests objects and arrays more than ${maxDepth} levels deep, the most this gateway accepts (setting server.max_json_depth).`,
        ),
        undefined,
      );
      return;
    }
    if (!scan.spliceable) {
      parse(request, text, done);
      return;
    }
    parse(request, text, (error, parsed) => {
      if (!error) keepClientText(parsed, text, scan);
      done(error, parsed);
    });
  });
}
