import { describe, expect, it } from "vitest";
import { SseFrameRelay } from "./sse-frame-relay.js";

function pushAll(relay: SseFrameRelay, pieces: string[]) {
  return pieces.map((piece) => {
    const { bytes, frames, starts, ends } = relay.push(Buffer.from(piece));
    // Each frame's own bytes, cut by its start and end, must be exactly that frame.
    for (const [index, frame] of frames.entries()) {
      expect(bytes.subarray(starts[index], ends[index]).toString()).toContain(frame.data);
    }
    return { bytes: bytes.toString(), frames, cuts: ends.map((end) => bytes.subarray(0, end).toString()) };
  });
}

describe("SseFrameRelay", () => {
  it.each<[string, string[], { bytes: string; data: string[]; cuts: string[] }[]]>([
    [
      "passes whole frames on as they complete",
      ["data: a\n\ndata: b\n\n"],
      [
        {
          bytes: "data: a\n\ndata: b\n\n",
          data: ["a", "b"],
          cuts: ["data: a\n\n", "data: a\n\ndata: b\n\n"],
        },
      ],
    ],
    [
      "holds back a frame until its blank line arrives",
      ["data: a\n\nda", "ta: b\n", "\n"],
      [
        { bytes: "data: a\n\n", data: ["a"], cuts: ["data: a\n\n"] },
        { bytes: "", data: [], cuts: [] },
        { bytes: "data: b\n\n", data: ["b"], cuts: ["data: b\n\n"] },
      ],
    ],
    [
      "ends frames at CRLF blank lines too",
      ["event: x\r\ndata: a\r\n\r\ndata: b\r\n\r\n"],
      [
        {
          bytes: "event: x\r\ndata: a\r\n\r\ndata: b\r\n\r\n",
          data: ["a", "b"],
          cuts: ["event: x\r\ndata: a\r\n\r\n", "event: x\r\ndata: a\r\n\r\ndata: b\r\n\r\n"],
        },
      ],
    ],
    [
      "leaves out a keep-alive comment before the first frame, so it is never the first byte",
      [": keep-alive\n\ndata: a\n\n"],
      [{ bytes: "data: a\n\n", data: ["a"], cuts: ["data: a\n\n"] }],
    ],
    [
      "leaves out comment blocks between frames and keeps each frame's offsets right",
      ["data: a\n\n: OPENROUTER PROCESSING\n\ndata: b\n\n:\n\n", "data: c\n\n"],
      [
        {
          bytes: "data: a\n\ndata: b\n\n",
          data: ["a", "b"],
          cuts: ["data: a\n\n", "data: a\n\ndata: b\n\n"],
        },
        { bytes: "data: c\n\n", data: ["c"], cuts: ["data: c\n\n"] },
      ],
    ],
    [
      "relays a chunk of comments alone as nothing",
      [": keep-alive\n\n"],
      [{ bytes: "", data: [], cuts: [] }],
    ],
  ])("%s", (_name, pieces, expected) => {
    const results = pushAll(new SseFrameRelay(), pieces).map(({ bytes, frames, cuts }) => ({
      bytes,
      data: frames.map((frame) => frame.data),
      cuts,
    }));
    expect(results).toEqual(expected);
  });

  it.each([
    ["LF", "\n"],
    ["CRLF", "\r\n"],
  ])("finds a blank line (%s) split at any two positions across three reads", (_name, eol) => {
    const text = `data: a${eol}${eol}data: b${eol}${eol}`;
    for (let split = 2; split < text.length; split++) {
      for (let before = 1; before < split; before++) {
        const relay = new SseFrameRelay();
        const results = [text.slice(0, before), text.slice(before, split), text.slice(split)].map((piece) =>
          relay.push(Buffer.from(piece)),
        );
        expect(results.map(({ bytes }) => bytes.toString()).join("")).toBe(text);
        expect(results.flatMap(({ frames }) => frames.map((frame) => frame.data))).toEqual(["a", "b"]);
        expect(relay.incompleteBytes).toBe(0);
      }
    }
  });

  it("relays a large frame that arrives a few bytes at a time, whole and once", () => {
    const relay = new SseFrameRelay();
    const payload = "x".repeat(200_000);
    const text = `data: ${payload}\n\ndata: next\n\n`;
    const relayed: string[] = [];
    const data: string[] = [];
    for (let start = 0; start < text.length; start += 7) {
      const { bytes, frames } = relay.push(Buffer.from(text.slice(start, start + 7)));
      relayed.push(bytes.toString());
      data.push(...frames.map((frame) => frame.data));
    }
    expect(relayed.join("")).toBe(text);
    expect(data).toEqual([payload, "next"]);
    expect(relay.incompleteBytes).toBe(0);
  });

  it("counts the bytes of a frame that never finished", () => {
    const relay = new SseFrameRelay();
    relay.push(Buffer.from('data: a\n\ndata: {"cut'));
    expect(relay.incompleteBytes).toBe('data: {"cut'.length);
  });
});
