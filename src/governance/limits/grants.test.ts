import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { defaultGovernanceConfig } from "../../config/governance/governance-config.js";
import { InProcessCoordinator } from "../../coordination/in-process-coordinator.js";
import { CoordinatedLimitStore } from "./coordinated-limit-store.js";
import { GRANT_TTL_MS, type GrantRelease, grantSize } from "./grant-policy.js";
import { GrantPool } from "./grant-pool.js";
import { grantCapacity, releaseGrants } from "./ledger-grants.js";
import { LimitLedger } from "./limit-ledger.js";
import type { AdmitRequest, ConcurrencySpec, LimitSpec, RateSpec } from "./limit-spec.js";
import { LimitsService } from "./limits-service.js";

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
const DAY = 86_400_000;

function clock(start = T0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

/** A day's limit, all usable at once: refill (one unit every DAY / limit) is negligible within a test. */
const rpd = (limit: number, id = "chat"): RateSpec => ({
  kind: "rate",
  key: `rl:route:${id}:rpd`,
  label: { scope: "route", id, name: "rpd" },
  unit: "requests",
  limit,
  windowMs: DAY,
  burst: limit,
});
const tpd = (limit: number, id = "chat"): RateSpec => ({
  kind: "rate",
  key: `rl:route:${id}:tpd`,
  label: { scope: "route", id, name: "tpd" },
  unit: "tokens",
  limit,
  windowMs: DAY,
  burst: limit,
});
const concurrency = (max: number): ConcurrencySpec => ({
  kind: "concurrency",
  key: "cc:route:chat",
  label: { scope: "route", id: "chat", name: "concurrency" },
  max,
});

let next = 0;
function request(specs: LimitSpec[], tokens = 0): AdmitRequest {
  return { id: `r${++next}`, specs, tokens, costNano: 0, leaseMs: 6000 };
}

describe("grants in the ledger", () => {
  it("counts a grant as consumed at once, and books only what comes back used", () => {
    const ledger = new LimitLedger(clock().now);
    const spec = rpd(6400);
    expect(grantSize(spec, 0)).toBe(100);
    const first = request([spec]);
    expect(ledger.admit(first).ok).toBe(true);
    const [grant] = grantCapacity(ledger, "w1", first.specs, [0], 0, 6000);
    expect(grant?.units).toBe(100);
    expect(grant?.state.remaining).toBe(6400 - 1 - 100);
    expect(ledger.quota([spec])[0]?.remaining).toBe(6299);
    releaseGrants(ledger, [{ id: grant?.id as string, used: 40 }]);
    expect(ledger.quota([spec])[0]?.remaining).toBe(6400 - 1 - 40);
  });

  it("never admits more than the limit while grants are out, and grants nothing near the end", () => {
    const ledger = new LimitLedger(clock().now);
    const spec = rpd(640);
    const first = request([spec]);
    ledger.admit(first);
    const grants = grantCapacity(ledger, "w1", first.specs, [0], 0, 6000);
    expect(grants).toHaveLength(1);
    let admitted = 1;
    while (ledger.admit(request([spec])).ok) admitted++;
    // The grant's 10 units are held for its holder: the ledger alone admitted the rest, not one more.
    expect(admitted).toBe(640 - 10);
    const last = request([spec]);
    expect(grantCapacity(ledger, "w2", last.specs, [0], 0, 6000)).toEqual([]);
  });

  it("never grants a small limit or a budget", () => {
    expect(grantSize(rpd(10), 0)).toBe(0);
    expect(grantSize(concurrency(5), 0)).toBe(0);
    // A token grant must cover several requests' estimates.
    expect(grantSize(tpd(64_000), 100)).toBe(1000);
    expect(grantSize(tpd(64_000), 500)).toBe(0);
  });

  it("books a grant whose holder never came back as wholly used, when it expires", () => {
    const time = clock();
    const ledger = new LimitLedger(time.now);
    const spec = rpd(64_000);
    const first = request([spec]);
    ledger.admit(first);
    const [grant] = grantCapacity(ledger, "w1", first.specs, [0], 0, 6000);
    expect(grant?.units).toBe(1000);
    time.advance(11_000);
    ledger.sweep();
    const remaining = ledger.quota([spec])[0]?.remaining as number;
    // 11 s of a day's refill is 8 units: the grant's 1000 stay consumed.
    expect(remaining).toBeLessThanOrEqual(64_000 - 1 - 1000 + 9);
    // A late return of that grant changes nothing (it was booked already).
    releaseGrants(ledger, [{ id: grant?.id as string, used: 0 }]);
    expect(ledger.quota([spec])[0]?.remaining).toBe(remaining);
  });

  it("holds granted slots as requests in flight until they shrink or expire", () => {
    const time = clock();
    const ledger = new LimitLedger(time.now);
    const spec = concurrency(1024);
    const first = request([spec]);
    ledger.admit(first);
    const [grant] = grantCapacity(ledger, "w1", first.specs, [0], 0, 6000);
    expect(grant?.units).toBe(16);
    expect(ledger.quota([spec])[0]?.remaining).toBe(1024 - 1 - 16);
    releaseGrants(ledger, [{ id: grant?.id as string, used: 3 }]);
    expect(ledger.quota([spec])[0]?.remaining).toBe(1024 - 1 - 3);
    time.advance(6001);
    ledger.sweep();
    expect(ledger.quota([spec])[0]?.remaining).toBe(1024);
  });
});

describe("a worker's grant pool", () => {
  function pool() {
    const released: GrantRelease[] = [];
    const adjusted: number[] = [];
    let now = 1000;
    const grants = new GrantPool(
      {
        release: (release) => released.push(release),
        adjust: (_spec, difference) => adjusted.push(difference),
      },
      () => now,
    );
    return { grants, released, adjusted, advance: (ms: number) => (now += ms), now: () => now };
  }

  it("admits from its grants all or nothing, and stops at their size", () => {
    const { grants } = pool();
    const rate = rpd(6400);
    const slots = concurrency(1024);
    const specs = [rate, slots];
    const ask = request(specs);
    expect(grants.admit(ask)).toBeUndefined();
    expect(grants.wanted(ask)).toEqual([0, 1]);
    grants.accept(
      specs,
      [
        { id: "g1", index: 0, units: 3, state: { remaining: 100, resetMs: 5 } },
        { id: "g2", index: 1, units: 2, state: { remaining: 50, resetMs: 0 } },
      ],
      1000,
      grants.mark(),
    );
    const a = grants.admit(request(specs));
    expect(a).toEqual({
      ok: true,
      states: [
        { remaining: 102, resetMs: 5 },
        { remaining: 51, resetMs: 0 },
      ],
      alerts: [],
    });
    expect(grants.admit(request(specs))?.ok).toBe(true);
    // Two slots in use: the third request needs the ledger, and nothing was taken from the rate grant.
    expect(grants.admit(request(specs))).toBeUndefined();
    expect(grants.wanted(request(specs))).toEqual([1]);
  });

  it("gives back an expired grant with what it used, and admits nothing more from it", () => {
    const { grants, released, advance } = pool();
    const specs = [rpd(6400)];
    grants.accept(specs, [{ id: "g1", index: 0, units: 10, state: { remaining: 0, resetMs: 0 } }], 1000, 0);
    expect(grants.admit(request(specs))?.ok).toBe(true);
    expect(grants.admit(request(specs))?.ok).toBe(true);
    advance(GRANT_TTL_MS);
    expect(grants.admit(request(specs))).toBeUndefined();
    grants.expire();
    expect(released).toEqual([{ id: "g1", used: 2 }]);
  });

  it("settles tokens against the grant while it is held, and with the ledger after it went back", () => {
    const { grants, released, adjusted } = pool();
    const specs = [tpd(640_000)];
    grants.accept(specs, [{ id: "g1", index: 0, units: 1000, state: { remaining: 0, resetMs: 0 } }], 1000, 0);
    const first = request(specs, 300);
    const second = request(specs, 300);
    expect(grants.admit(first)?.ok).toBe(true);
    expect(grants.admit(second)?.ok).toBe(true);
    grants.settle(first.id, 100); // 200 tokens come back to the grant
    grants.recall([specs[0]?.key as string]);
    expect(released).toEqual([{ id: "g1", used: 400 }]);
    grants.settle(second.id, 350); // 50 more than reserved, after the grant went back: the ledger's
    expect(adjusted).toEqual([50]);
  });

  it("answers a recall for slots still in flight, and reports each one that ends", () => {
    const { grants, released } = pool();
    const specs = [concurrency(1024)];
    grants.accept(specs, [{ id: "g1", index: 0, units: 4, state: { remaining: 0, resetMs: 0 } }], 1000, 0);
    const first = request(specs);
    const second = request(specs);
    grants.admit(first);
    grants.admit(second);
    grants.recall(["cc:route:chat"]);
    expect(released).toEqual([{ id: "g1", used: 2 }]);
    expect(grants.renewable()).toEqual(["g1"]);
    grants.settle(first.id, 0);
    grants.settle(second.id, 0);
    expect(released.slice(1)).toEqual([
      { id: "g1", used: 1 },
      { id: "g1", used: 0 },
    ]);
    expect(grants.renewable()).toEqual([]);
  });

  it("gives a grant back when its limit changed (a reload), and admits nothing more from it", () => {
    const { grants, released } = pool();
    grants.accept(
      [rpd(6400)],
      [{ id: "g1", index: 0, units: 10, state: { remaining: 0, resetMs: 0 } }],
      1000,
      0,
    );
    expect(grants.admit(request([rpd(6400)]))?.ok).toBe(true);
    expect(grants.admit(request([rpd(100)]))).toBeUndefined();
    expect(released).toEqual([{ id: "g1", used: 1 }]);
  });

  it("gives a grant back at once when its limit was recalled while it was on its way", () => {
    const { grants, released } = pool();
    const specs = [rpd(6400)];
    const mark = grants.mark();
    grants.recall([specs[0]?.key as string]);
    grants.accept(
      specs,
      [{ id: "g1", index: 0, units: 10, state: { remaining: 0, resetMs: 0 } }],
      1000,
      mark,
    );
    expect(released).toEqual([{ id: "g1", used: 0 }]);
    expect(grants.admit(request(specs))).toBeUndefined();
  });
});

describe("workers admitting from grants, with the ledger in the owner", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  function fleet(workers: number) {
    const coordinator = new InProcessCoordinator();
    const config = defaultGovernanceConfig(mkdtempSync(`${tmpdir()}/switchyard-grants-`));
    const service = new LimitsService({
      config,
      publish: (topic, payload) => coordinator.publish(topic, payload),
    });
    coordinator.host.add(service);
    const stores = Array.from({ length: workers }, () => new CoordinatedLimitStore(coordinator));
    cleanups.push(async () => {
      for (const store of stores) await store.close();
      await coordinator.close();
    });
    return { stores, ledger: service.state };
  }

  it("far from the limit, admits most requests without a round trip", async () => {
    const { stores } = fleet(1);
    const store = stores[0] as CoordinatedLimitStore;
    const specs = [rpd(1_000_000), tpd(100_000_000), concurrency(100_000)];
    for (let index = 0; index < 300; index++) {
      const ask = request(specs, 50);
      expect((await store.admit(ask)).ok).toBe(true);
      await store.settle({ id: ask.id, tokens: 40, costNano: 0 });
    }
    expect(store.stats.localAdmissions).toBeGreaterThanOrEqual(290);
    expect(store.stats.calls).toBeLessThan(10);
  });

  it("admits exactly the limit across two workers, none more and none fewer", async () => {
    const { stores } = fleet(2);
    const spec = rpd(640);
    let admitted = 0;
    // Waves of concurrent requests: grants arrive between them and are used, until the limit is near.
    for (let wave = 0; wave < 14; wave++) {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, index) =>
          (stores[index % 2] as CoordinatedLimitStore).admit(request([spec])),
        ),
      );
      admitted += results.filter((result) => result.ok).length;
    }
    expect(admitted).toBe(640);
    const local = stores.reduce((sum, store) => sum + store.stats.localAdmissions, 0);
    expect(local).toBeGreaterThan(0);
  });

  it("recalls a worker's unused grant instead of refusing another worker's request", async () => {
    const { stores, ledger } = fleet(2);
    const [holder, other] = stores as [CoordinatedLimitStore, CoordinatedLimitStore];
    const spec = rpd(640);
    // The holder gets a grant of 10 with its first request, and uses 1 of it.
    expect((await holder.admit(request([spec]))).ok).toBe(true);
    expect((await holder.admit(request([spec]))).ok).toBe(true);
    expect(holder.stats.localAdmissions).toBe(1);
    // The other worker drives the limit past its end: it gets the holder's 9 unused units too.
    let admitted = 0;
    for (let index = 0; index < 660; index++) if ((await other.admit(request([spec]))).ok) admitted++;
    expect(2 + admitted).toBe(640);
    expect(ledger.quota([spec])[0]?.remaining).toBe(0);
    expect((await holder.admit(request([spec]))).ok).toBe(false);
  });

  it("tops a stream admitted from a grant up with the ledger when the grant is short, all or nothing", async () => {
    const { stores, ledger } = fleet(1);
    const store = stores[0] as CoordinatedLimitStore;
    const spec = tpd(64_000);
    expect((await store.admit(request([spec], 100))).ok).toBe(true); // the ledger's, with a grant of 1000
    const stream = request([spec], 100);
    expect((await store.admit(stream)).ok).toBe(true);
    expect(store.stats.localAdmissions).toBe(1);
    // 950 more do not fit in the grant (100 used): the ledger takes them.
    expect(await store.meter({ id: stream.id, extraTokens: 950, extraCostNano: 0 })).toEqual({ ok: true });
    expect(ledger.quota([spec])[0]?.remaining).toBe(64_000 - 100 - 1000 - 950);
    // More than the whole limit: refused, naming it (after the grant was recalled, which does not help).
    expect(await store.meter({ id: stream.id, extraTokens: 70_000, extraCostNano: 0 })).toEqual({
      ok: false,
      exhausted: spec.label,
    });
    // The recall brought the grant back with the 100 the stream holds on it. The stream used 1000 of the 1050
    // it holds: the 50 it did not use come back to the limit itself.
    await store.settle({ id: stream.id, tokens: 1000, costNano: 0 });
    await store.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ledger.quota([spec])[0]?.remaining).toBe(64_000 - 100 - 950 - 100 + 50);
  });

  it("never has more requests in flight than a concurrency limit, across workers and grants", async () => {
    const { stores } = fleet(2);
    const spec = concurrency(512);
    const admitted: { store: CoordinatedLimitStore; id: string }[] = [];
    const asks = Array.from({ length: 600 }, (_, index) => ({
      store: stores[index % 2] as CoordinatedLimitStore,
      ask: request([spec]),
    }));
    const results = await Promise.all(asks.map(({ store, ask }) => store.admit(ask)));
    for (const [index, result] of results.entries())
      if (result.ok)
        admitted.push({
          store: asks[index]?.store as CoordinatedLimitStore,
          id: asks[index]?.ask.id as string,
        });
    expect(admitted).toHaveLength(512);
    // One ends: exactly one more fits.
    const ended = admitted[0] as { store: CoordinatedLimitStore; id: string };
    await ended.store.settle({ id: ended.id, tokens: 0, costNano: 0 });
    const again = await Promise.all(
      Array.from({ length: 3 }, () => (stores[1] as CoordinatedLimitStore).admit(request([spec]))),
    );
    expect(again.filter((result) => result.ok)).toHaveLength(1);
  });
});
