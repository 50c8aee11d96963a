import { createServer } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpSink } from "./http-sink.js";

/** A collector on loopback that keeps the lines of each POST it receives. */
const posts: string[][] = [];
const collector = createServer((request, response) => {
  let body = "";
  request.on("data", (chunk) => {
    body += chunk;
  });
  request.on("end", () => {
    posts.push(body.split("\n").filter((line) => line !== ""));
    response.end("ok");
  });
});
let url = "";

beforeAll(async () => {
  await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(collector.address() as { port: number }).port}/usage`;
});
afterAll(() => {
  collector.close();
});

describe("the HTTP sink", () => {
  it("gathers the records of many writes (every worker's messages) into POSTs of the configured batch", async () => {
    posts.length = 0;
    const sink = new HttpSink(url, {}, 5000, { batch: 3, flushMs: 60_000 });
    for (const line of ["a", "b", "c", "d"]) sink.write([JSON.stringify({ line })]);
    await sink.close();
    expect(posts.map((lines) => lines.map((line) => JSON.parse(line).line))).toEqual([
      ["a", "b", "c"],
      ["d"],
    ]);
  });

  it("posts what it gathered after flush_ms when the batch does not fill", async () => {
    posts.length = 0;
    const sink = new HttpSink(url, {}, 5000, { batch: 500, flushMs: 20 });
    sink.write(['{"line":"x"}']);
    for (let wait = 0; wait < 200 && posts.length === 0; wait++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(posts).toEqual([['{"line":"x"}']]);
    await sink.close();
    expect(posts).toHaveLength(1);
  });
});
