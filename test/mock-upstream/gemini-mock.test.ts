import { GoogleGenAI } from "@google/genai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expectNoSpecViolations } from "./expect-no-spec-violations.js";
import { GEMINI_TEST_KEY, type GeminiMock, startGeminiMock } from "./gemini-mock.js";

/**
 * The Gemini mock, checked with Google's own SDK: if `@google/genai` reads the mock's answers and CRLF streams,
 * the mock speaks the Gemini API's format.
 */

let mock: GeminiMock;
let ai: GoogleGenAI;

beforeAll(async () => {
  mock = await startGeminiMock();
  ai = new GoogleGenAI({ apiKey: GEMINI_TEST_KEY, httpOptions: { baseUrl: mock.url, apiVersion: "v1beta" } });
});
afterAll(async () => {
  await mock?.close();
});
beforeEach(() => mock.reset());

describe("the Gemini mock, called by @google/genai", () => {
  it("answers generateContent with the echo and its usage", async () => {
    const response = await ai.models.generateContent({ model: "gemini-2.5-flash", contents: "Hello mock" });
    expect(response.text).toBe("Echo: Hello mock");
    expect(response.usageMetadata).toMatchObject({ promptTokenCount: 2, candidatesTokenCount: 3 });
    expect(mock.requests[0]?.headers["x-goog-api-key"]).toBe(GEMINI_TEST_KEY);
    expectNoSpecViolations(mock);
  });

  it("streams the echo word by word over CRLF SSE, which the SDK reads to the end", async () => {
    const stream = await ai.models.generateContentStream({
      model: "gemini-2.5-flash",
      contents: "Stream it",
    });
    const pieces: string[] = [];
    for await (const chunk of stream) pieces.push(chunk.text ?? "");
    expect(pieces).toEqual(["Echo:", " Stream", " it"]);
    expect(mock.requests[0]?.query).toEqual({ alt: "sse" });
    expectNoSpecViolations(mock);
  });

  it("refuses a wrong API key with Google's 400 envelope, which the SDK raises", async () => {
    const bad = new GoogleGenAI({
      apiKey: "wrong",
      httpOptions: { baseUrl: mock.url, apiVersion: "v1beta" },
    });
    await expect(bad.models.generateContent({ model: "gemini-2.5-flash", contents: "Hi" })).rejects.toThrow(
      /API key not valid/,
    );
  });
});
