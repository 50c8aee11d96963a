import { describe, expect, it } from "vitest";
import { forgetClientText, jsonWithModel, keepClientText, withAddedFields } from "./client-json.js";
import { scanJsonText } from "./json-text-scan.js";

/** A body as the gateway's parser leaves it: parsed, with its text kept when the scan found its model. */
function parsedBody(text: string): Record<string, unknown> {
  const body = JSON.parse(text) as Record<string, unknown>;
  keepClientText(body, text, scanJsonText(text, 64));
  return body;
}

const stringified = (body: Record<string, unknown>, model: string): string => {
  const { model: _route, ...rest } = body;
  return JSON.stringify({ model, ...rest });
};

describe("jsonWithModel", () => {
  it("is the client's text with the model value replaced", () => {
    const text =
      '{ "messages": [{"role":"user","content":"hi \\"there\\""}],\n  "model": "route-a", "temperature": 1.0 }';
    const json = jsonWithModel(parsedBody(text), 'gpt-4o "mini"');
    expect(json).toBe(
      '{ "messages": [{"role":"user","content":"hi \\"there\\""}],\n  "model": "gpt-4o \\"mini\\"", "temperature": 1.0 }',
    );
  });

  it("relays numbers as the client wrote them (JSON.parse rounds past 2^53)", () => {
    const text = '{"model":"r","seed":12345678901234567891,"top_p":1.50}';
    const json = jsonWithModel(parsedBody(text), "m");
    expect(json).toBe('{"model":"m","seed":12345678901234567891,"top_p":1.50}');
    expect(stringified(JSON.parse(text), "m")).toBe('{"model":"m","seed":12345678901234567000,"top_p":1.5}');
  });

  it.each([
    { case: "model first", text: '{"model":"r","n":1}' },
    { case: "model last", text: '{"n":1,"input":["a","b"],"model":"r"}' },
    { case: "unicode and escapes around it", text: '{"a":"é\\u00e9\\n","model":"r","b":{"model":"x"}}' },
  ])("means what JSON.stringify({ model, ...body }) means: $case", ({ text }) => {
    const body = parsedBody(text);
    const expected = JSON.parse(stringified(body, "upstream-model"));
    expect(JSON.parse(jsonWithModel(body, "upstream-model"))).toEqual(expected);
  });

  it.each([
    { case: "a body parsed elsewhere", body: () => JSON.parse('{"model":"r","n":1}') },
    {
      case: "a body whose top-level key had an escape",
      body: () => parsedBody('{"model":"r","mod\\u0065l":"r"}'),
    },
    {
      case: "a body whose model was replaced after parsing",
      body: () => {
        const body = parsedBody('{"model":"r","n":1}');
        body.model = "other";
        return body;
      },
    },
  ])("serialises $case", ({ body }) => {
    const parsed = body();
    expect(jsonWithModel(parsed, "m")).toBe(stringified(parsed, "m"));
  });

  it("uses the text once: a second relay of the same body (a retry) serialises it", () => {
    const body = parsedBody('{"model":"r",  "n":1}');
    expect(jsonWithModel(body, "m")).toBe('{"model":"m",  "n":1}');
    expect(jsonWithModel(body, "m")).toBe('{"model":"m","n":1}');
  });
});

describe("a text without a model", () => {
  it("gets the model first", () => {
    const body = parsedBody('{ "messages": [], "n": 1.0 }');
    expect(jsonWithModel(withAddedFields(body, { model: "route" }), "m")).toBe(
      '{"model":"m", "messages": [], "n": 1.0 }',
    );
  });

  it("gets it without a comma when the object is empty", () => {
    const body = parsedBody(" {  } ");
    expect(jsonWithModel(withAddedFields(body, { model: "route" }), "m")).toBe(' {"model":"m"  } ');
  });

  it("gets the added fields before it", () => {
    const body = parsedBody('{"n":1}');
    const derived = withAddedFields(body, { temperature: 0, model: "route" });
    expect(derived).toEqual({ n: 1, temperature: 0, model: "route" });
    expect(jsonWithModel(derived, "m")).toBe('{"temperature":0,"model":"m","n":1}');
  });

  it("is serialised when the model it was given is changed", () => {
    const body = parsedBody('{"n":1}');
    const derived = withAddedFields(body, { model: "route" });
    derived.model = "other";
    expect(jsonWithModel(derived, "m")).toBe('{"model":"m","n":1}');
  });
});

describe("forgetClientText", () => {
  it("lets the text go: the body is serialised from then on", () => {
    const body = parsedBody('{"model":"r",  "n":1}');
    forgetClientText(body);
    expect(jsonWithModel(body, "m")).toBe('{"model":"m","n":1}');
  });
});

describe("withAddedFields", () => {
  it("adds the fields to the body and to its text", () => {
    const body = parsedBody('{"stream":true,"model":"r"}');
    const derived = withAddedFields(body, { stream_options: { include_usage: true } });
    expect(derived).toEqual({ stream: true, model: "r", stream_options: { include_usage: true } });
    expect(body).toEqual({ stream: true, model: "r" });
    expect(jsonWithModel(derived, "m")).toBe(
      '{"stream_options":{"include_usage":true},"stream":true,"model":"m"}',
    );
  });

  it("serialises a body that already had one of the fields (it is replaced, not added)", () => {
    const body = parsedBody('{"model":"r","store":true}');
    const derived = withAddedFields(body, { store: false });
    expect(jsonWithModel(derived, "m")).toBe('{"model":"m","store":false}');
  });
});
