import { request } from "undici";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { MockUpstream } from "./mock-upstream.js";
import { openAIChatCompletion, openAIChatStreamFrames } from "./openai-bodies.js";
import { startOpenAIMock } from "./openai-mock.js";
import { delayed } from "./scripted-response.js";
import { sendRequest } from "./send-request.js";

const mock: MockUpstream = await startOpenAIMock();
afterAll(() => mock.close());
beforeEach(() => mock.reset());

const CHAT = { model: "m", messages: [{ role: "user", content: "hi" }] };
const HEADERS = { authorization: "Bearer k" };
const chatUrl = () => `${mock.url}/v1/chat/completions`;
const send = (timeoutMs?: number) =>
  sendRequest(chatUrl(), { body: CHAT, headers: HEADERS, ...(timeoutMs !== undefined && { timeoutMs }) });

describe("scripted responses", () => {
  it("answers queued responses in order, then falls back to the default behaviour", async () => {
    mock.enqueue(
      { kind: "json", status: 503, body: { error: "busy" }, headers: { "retry-after": "1" } },
      { kind: "json", status: 200, body: openAIChatCompletion({ text: "scripted" }) },
    );
    const first = await send();
    expect(first.status).toBe(503);
    expect(first.headers["retry-after"]).toBe("1");
    expect(JSON.parse((await send()).text).choices[0].message.content).toBe("scripted");
    expect(JSON.parse((await send()).text).choices[0].message.content).toBe("Echo: hi");
    expect(mock.requests).toHaveLength(3);
  });

  it("still records and validates requests answered from the queue", async () => {
    mock.enqueue({ kind: "json", status: 200, body: {} });
    const res = await sendRequest(chatUrl(), { body: { model: "m" }, headers: {} });
    expect(res.status).toBe(200);
    expect(mock.requests[0]?.body).toEqual({ model: "m" });
    expect(mock.specViolations).toHaveLength(1);
  });

  it("sends raw bodies with their own content type", async () => {
    mock.enqueue({ kind: "raw", status: 502, body: "<html>Bad gateway</html>", contentType: "text/html" });
    const res = await send();
    expect(res.status).toBe(502);
    expect(res.headers["content-type"]).toBe("text/html");
    expect(res.text).toBe("<html>Bad gateway</html>");
  });

  it("writes stream frames one write each, with the delay between them", async () => {
    const frames = ["data: 1\n\n", "data: 2\n\n", "data: 3\n\n"];
    mock.enqueue({ kind: "stream", frames, delayMsBetweenFrames: 30 });
    const started = Date.now();
    const res = await send();
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    expect(res.text).toBe(frames.join(""));
    expect(res.chunks.map((chunk) => chunk.toString())).toEqual(frames);
  });

  it("splits every frame into pieces of splitFramesAt bytes that arrive separately", async () => {
    const frames = openAIChatStreamFrames({ text: "Größe matters here" });
    mock.enqueue({ kind: "stream", frames, splitFramesAt: 7 });
    const res = await send();
    expect(res.text).toBe(frames.join(""));
    expect(res.chunks.every((chunk) => chunk.length <= 7)).toBe(true);
    const expectedPieces = frames.reduce((sum, frame) => sum + Math.ceil(Buffer.byteLength(frame) / 7), 0);
    expect(res.chunks).toHaveLength(expectedPieces);
  });

  it("cuts the connection after cutAfterFrames frames without ending the response", async () => {
    mock.enqueue({
      kind: "stream",
      frames: ["data: 1\n\n", "data: 2\n\n", "data: 3\n\n"],
      cutAfterFrames: 2,
    });
    const res = await send();
    expect(res.status).toBe(200);
    expect(res.text).toBe("data: 1\n\ndata: 2\n\n");
    expect(res.error).toBeDefined();
  });

  it("cuts right after the headers with cutAfterFrames 0", async () => {
    mock.enqueue({ kind: "stream", frames: ["data: 1\n\n"], cutAfterFrames: 0 });
    const res = await send();
    expect(res.status).toBe(200);
    expect(res.text).toBe("");
    expect(res.error).toBeDefined();
  });

  it("fails undici's body read when a stream is cut", async () => {
    mock.enqueue({ kind: "stream", frames: ["data: 1\n\n", "data: 2\n\n"], cutAfterFrames: 1 });
    const res = await request(chatUrl(), { method: "POST", headers: HEADERS, body: JSON.stringify(CHAT) });
    await expect(res.body.text()).rejects.toThrow();
  });

  it("resets the socket before any byte", async () => {
    mock.enqueue({ kind: "reset" });
    await expect(send()).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(mock.requests).toHaveLength(1);
  });

  it("delays the first byte, then answers with the wrapped response", async () => {
    mock.enqueue(delayed(80, { kind: "json", status: 201, body: { ok: true } }));
    const started = Date.now();
    const res = await send();
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
    expect(res.status).toBe(201);
    expect(JSON.parse(res.text)).toEqual({ ok: true });
  });

  it("hangs until the client gives up", async () => {
    mock.enqueue({ kind: "hang" });
    await expect(send(150)).rejects.toThrow(/client timeout/);
  });

  it("close() ends hanging requests and open streams", async () => {
    const local = await startOpenAIMock();
    local.enqueue(
      { kind: "hang" },
      { kind: "stream", frames: ["data: 1\n\n", "data: 2\n\n"], delayMsBetweenFrames: 60_000 },
    );
    const hanging = sendRequest(`${local.url}/v1/models`, { headers: HEADERS, timeoutMs: 10_000 });
    const streaming = sendRequest(`${local.url}/v1/models`, { headers: HEADERS, timeoutMs: 10_000 });
    while (local.requests.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    await local.close();
    await expect(hanging).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect((await streaming).error).toBeDefined();
  });
});
