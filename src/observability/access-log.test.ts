import { Writable } from "node:stream";
import { describe, expect, it, vi } from "vitest";
import { type AccessLogEntry, accessLogEntryJson } from "./access-log.js";
import { createLogger, flushLogger, infoLineWriter } from "./logger.js";
import { gatewaySecrets, REDACTED } from "./secret-set.js";

const FULL: AccessLogEntry = {
  request_id: "req-1",
  method: "POST",
  path: '/v1/chat/completions "quoted" \\ é',
  status: 200,
  duration_ms: 12.345,
  client_ip: "127.0.0.1",
  bytes_in: 102,
  bytes_out: 799,
  api: "openai",
  route: "chat",
  target: "openai/gpt-4o-mini",
  attempts: 1,
  upstream_ms: 10.5,
  stream: true,
  input_tokens: 12,
  output_tokens: 20,
  key_id: "key_abc",
};

const PARTIAL: AccessLogEntry = {
  request_id: "req-2",
  method: "GET",
  path: "/health",
  status: 404,
  duration_ms: 0.2,
  client_ip: "::1",
  bytes_in: 0,
  bytes_out: 55,
};

/** A logger writing into an array of lines. */
function capturingLogger(level = "info"): { logger: ReturnType<typeof createLogger>; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(
        ...String(chunk)
          .split("\n")
          .filter((line) => line !== ""),
      );
      callback();
    },
  });
  return { logger: createLogger(level, sink), lines };
}

const withoutTime = (line: string): string => line.replace(/"time":"[^"]+"/, '"time":"T"');

describe("the access log line", () => {
  it("serialises an entry as JSON.stringify does, absent fields left out", () => {
    expect(accessLogEntryJson(FULL)).toBe(JSON.stringify(FULL));
    expect(accessLogEntryJson(PARTIAL)).toBe(JSON.stringify(PARTIAL));
  });

  it("is written with the bytes pino writes for logger.info(entry, 'request')", async () => {
    const { logger, lines } = capturingLogger();
    const write = infoLineWriter(logger, "request", accessLogEntryJson);
    for (const entry of [FULL, PARTIAL]) {
      logger.info(entry, "request");
      write(entry);
    }
    // Written directly, not through pino's field-by-field serialisation.
    const info = vi.spyOn(logger, "info");
    write(PARTIAL);
    expect(info).not.toHaveBeenCalled();
    await flushLogger(logger);
    expect(lines).toHaveLength(5);
    expect(withoutTime(lines[1] as string)).toBe(withoutTime(lines[0] as string));
    expect(withoutTime(lines[3] as string)).toBe(withoutTime(lines[2] as string));
    expect(JSON.parse(lines[1] as string)).toMatchObject({
      level: 30,
      pid: process.pid,
      msg: "request",
      ...FULL,
    });
  });

  it("is redacted like every line, and not written when the level is above info", async () => {
    gatewaySecrets.add(["sk-access-line-secret"]);
    const { logger, lines } = capturingLogger();
    infoLineWriter(logger, "request", accessLogEntryJson)({ ...PARTIAL, path: "/x/sk-access-line-secret" });
    const quiet = capturingLogger("warn");
    infoLineWriter(quiet.logger, "request", accessLogEntryJson)(PARTIAL);
    await flushLogger(logger);
    await flushLogger(quiet.logger);
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain("sk-access-line-secret");
    expect(JSON.parse(lines[0] as string).path).toBe(`/x/${REDACTED}`);
    expect(quiet.lines).toHaveLength(0);
  });
});
