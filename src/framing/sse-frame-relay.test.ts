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

  it("counts the bytes of a frame that never finished", () => {
    const relay = new SseFrameRelay();
    relay.push(Buffer.from('data: a\n\ndata: {"cut'));
    expect(relay.incompleteBytes).toBe('data: {"cut'.length);
  });
});
