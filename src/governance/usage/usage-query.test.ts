import { describe, expect, it } from "vitest";
import { parseUsageQuery } from "./usage-query.js";

const NOW = Date.UTC(2026, 11, 4, 19, 25, 0);

function refusal(query: Record<string, string>) {
  try {
    parseUsageQuery(query, NOW);
  } catch (error) {
    return {
      status: (error as { status: number }).status,
      param: (error as { param?: string }).param,
      message: (error as Error).message,
    };
  }
  return undefined;
}

describe("the usage API's query", () => {
  it("defaults to today by day, keeps the dimensions in order without repeats, and filters by key", () => {
    expect(parseUsageQuery({}, NOW)).toEqual({
      bucket: "day",
      from: "2026-12-04",
      to: "2026-12-04",
      groupBy: [],
      aggregates: { bucket: "day", from: "2026-12-04", to: "2026-12-04", groupBy: [] },
    });
    expect(
      parseUsageQuery({ from: "2026-12-01", group_by: "key, route,key,model", key: "k1" }, NOW).aggregates,
    ).toEqual({
      bucket: "day",
      from: "2026-12-01",
      to: "2026-12-04",
      groupBy: ["key", "route", "model"],
      key: "k1",
    });
  });

  it("reads hours with bucket=hour: instants truncated to their hour, days as their first or last hour", () => {
    expect(parseUsageQuery({ bucket: "hour" }, NOW)).toMatchObject({
      from: "2026-12-04T19:00:00Z",
      to: "2026-12-04T19:00:00Z",
      aggregates: { bucket: "hour", from: "2026-12-04T19", to: "2026-12-04T19" },
    });
    expect(
      parseUsageQuery({ bucket: "hour", from: "2026-12-04T17:45:10Z", group_by: "hour,key" }, NOW),
    ).toMatchObject({
      from: "2026-12-04T17:00:00Z",
      groupBy: ["hour", "key"],
      aggregates: { from: "2026-12-04T17", to: "2026-12-04T19", groupBy: ["hour", "key"] },
    });
    expect(
      parseUsageQuery({ bucket: "hour", from: "2026-12-03", to: "2026-12-03" }, NOW).aggregates,
    ).toMatchObject({ from: "2026-12-03T00", to: "2026-12-03T23" });
  });

  it("groups by group through the keys: the aggregates are asked by key", () => {
    expect(parseUsageQuery({ group_by: "group,route" }, NOW)).toMatchObject({
      groupBy: ["group", "route"],
      aggregates: { groupBy: ["key", "route"] },
    });
    expect(parseUsageQuery({ group_by: "group,key" }, NOW).aggregates.groupBy).toEqual(["key"]);
  });

  it("refuses bad buckets, times, ranges and dimensions, naming the parameter and what it takes", () => {
    expect(refusal({ from: "12/01/2026" })).toMatchObject({ status: 400, param: "from" });
    expect(refusal({ to: "2026-13-45" })).toMatchObject({ status: 400, param: "to" });
    expect(refusal({ from: "2026-12-05", to: "2026-12-04" })).toMatchObject({ status: 400, param: "from" });
    expect(refusal({ from: "2024-01-01" })).toMatchObject({ status: 400, param: "from" });
    expect(refusal({ group_by: "key,user" })).toMatchObject({ status: 400, param: "group_by" });
    expect(refusal({ bucket: "minute" })).toEqual({
      status: 400,
      param: "bucket",
      message: "'bucket' takes day or hour, got 'minute'.",
    });
    expect(refusal({ bucket: "hour", group_by: "day" })).toMatchObject({
      param: "group_by",
      message: expect.stringContaining("hour, key, group, route, model"),
    });
    expect(refusal({ group_by: "hour" })).toMatchObject({ param: "group_by" });
    expect(refusal({ bucket: "hour", from: "2026-12-04T25" })).toMatchObject({ param: "from" });
    expect(refusal({ bucket: "hour", to: "2026-12-04T10:00+02:00" })).toMatchObject({ param: "to" });
    expect(refusal({ bucket: "hour", from: "2026-08-01" })).toMatchObject({ param: "from" });
  });
});
