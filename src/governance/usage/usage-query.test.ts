import { describe, expect, it } from "vitest";
import { parseUsageQuery } from "./usage-query.js";

const NOW = Date.UTC(2026, 11, 4, 19, 0, 0);

describe("the usage API's query", () => {
  it("defaults to today, keeps the dimensions in order without repeats, and filters by key", () => {
    expect(parseUsageQuery({}, NOW)).toEqual({ from: "2026-12-04", to: "2026-12-04", groupBy: [] });
    expect(parseUsageQuery({ from: "2026-12-01", group_by: "key, route,key,model", key: "k1" }, NOW)).toEqual(
      { from: "2026-12-01", to: "2026-12-04", groupBy: ["key", "route", "model"], key: "k1" },
    );
  });

  it("refuses bad days, a reversed or too long range and unknown dimensions, naming the parameter", () => {
    const refusal = (query: Record<string, string>) => {
      try {
        parseUsageQuery(query, NOW);
      } catch (error) {
        return { status: (error as { status: number }).status, param: (error as { param?: string }).param };
      }
      return undefined;
    };
    expect(refusal({ from: "12/01/2026" })).toEqual({ status: 400, param: "from" });
    expect(refusal({ to: "2026-13-45" })).toEqual({ status: 400, param: "to" });
    expect(refusal({ from: "2026-12-05", to: "2026-12-04" })).toEqual({ status: 400, param: "from" });
    expect(refusal({ from: "2024-01-01" })).toEqual({ status: 400, param: "from" });
    expect(refusal({ group_by: "key,user" })).toEqual({ status: 400, param: "group_by" });
  });
});
