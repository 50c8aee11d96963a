import { describe, expect, it } from "vitest";
import { TrafficRecorder } from "./traffic-recorder.js";

const sample = {
  route: "chat",
  status: 200,
  elapsedMs: 10,
  ttftMs: 4,
  tokensIn: 2,
  tokensOut: 3,
  fromPlayground: false,
};

describe("TrafficRecorder", () => {
  it("hands over only the seconds that have ended, each once", () => {
    let now = 5_000_000;
    const recorder = new TrafficRecorder(() => now);
    recorder.record(sample);
    recorder.record({ ...sample, route: "other", status: 502, ttftMs: undefined });
    expect(recorder.drain()).toEqual([]);
    now += 1000;
    recorder.record({ ...sample, status: 429, elapsedMs: undefined });
    const [second, ...rest] = recorder.drain();
    expect(rest).toEqual([]);
    expect(second?.t).toBe(5000);
    expect(second?.routes.chat).toMatchObject({ requests: 1, errors: 0, tokensIn: 2, tokensOut: 3 });
    expect(second?.routes.chat?.ttft.reduce((sum, count) => sum + count, 0)).toBe(1);
    expect(second?.routes.other).toMatchObject({ requests: 1, errors: 1 });
    now += 1000;
    const [next] = recorder.drain();
    expect(next?.routes.chat).toMatchObject({ requests: 1, clientErrors: 1 });
    // A client that left has no response time to count.
    expect(next?.routes.chat?.latency.every((count) => count === 0)).toBe(true);
    expect(recorder.drain()).toEqual([]);
  });

  it("keeps at most 30 undrained seconds when nobody takes them", () => {
    let now = 0;
    const recorder = new TrafficRecorder(() => now);
    for (let second = 0; second < 100; second++) {
      now = second * 1000;
      recorder.record(sample);
    }
    now += 1000;
    const seconds = recorder.drain();
    expect(seconds).toHaveLength(30);
    expect(seconds.at(-1)?.t).toBe(99);
  });
});
