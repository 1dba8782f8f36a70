import { describe, expect, it } from "vitest";
import type { Sync } from "../api/types";
import { followSync, isPlatform, retryOutcome, shopifyShop, shownStatus, statusTone, syncPercent } from "./logic";

const sync = (changes: Partial<Sync>): Sync => ({
  batches: 0,
  changed: 0,
  done: 0,
  error: null,
  error_detail: null,
  finished_at: null,
  full: false,
  id: "s1",
  products: [],
  removed: 0,
  started_at: "2026-11-30T08:00:00Z",
  status: "running",
  store_id: "st1",
  total: null,
  ...changes,
});

describe("store statuses", () => {
  it("shows each status with its tone, an unknown one as needing attention", () => {
    expect(["connected", "connecting", "needs_attention", "disconnected", "strange"].map(statusTone)).toEqual([
      "ok",
      "warn",
      "bad",
      "muted",
      "bad",
    ]);
  });
  it("shows a connected store that needs a look as needing attention, never a disconnected one", () => {
    expect(shownStatus("connected", true)).toBe("needs_attention");
    expect(shownStatus("connected", false)).toBe("connected");
    expect(shownStatus("disconnected", true)).toBe("disconnected");
    expect(shownStatus("connecting", true)).toBe("connecting");
  });
  it("knows the platforms one can connect", () => {
    expect(isPlatform("woocommerce")).toBe(true);
    expect(isPlatform("amazon")).toBe(false);
    expect(isPlatform(null)).toBe(false);
  });
});

describe("a sync's progress", () => {
  it("is unknown until the total is, then done of total, and full once succeeded", () => {
    expect(syncPercent(sync({}))).toBeNull();
    expect(syncPercent(sync({ done: 3, total: 9 }))).toBe(33);
    expect(syncPercent(sync({ done: 12, total: 9 }))).toBe(100);
    expect(syncPercent(sync({ done: 0, total: 0 }))).toBe(0);
    expect(syncPercent(sync({ status: "succeeded", done: 9, total: 9 }))).toBe(100);
  });
  it("is followed until the job finishes, each state shown", async () => {
    const answers = [sync({ done: 4, total: 9 }), sync({ status: "succeeded", done: 9, total: 9 })];
    const seen: number[] = [];
    let waits = 0;
    const last = await followSync(
      sync({}),
      async () => answers.shift()!,
      (s) => seen.push(s.done),
      async () => void waits++,
    );
    expect(last.status).toBe("succeeded");
    expect(seen).toEqual([0, 4, 9]);
    expect(waits).toBe(2);
  });
  it("stops on a failure and when the page is left", async () => {
    const failed = await followSync(sync({}), async () => sync({ status: "failed", error: "x" }), () => undefined, async () => undefined);
    expect(failed.status).toBe("failed");
    let reads = 0;
    const left = await followSync(sync({}), async () => (reads++, sync({})), () => undefined, async () => undefined, () => true);
    expect(left.status).toBe("running");
    expect(reads).toBe(0);
  });
});

describe("a Shopify shop as typed", () => {
  it("keeps the domain of an address", () => {
    expect(shopifyShop(" https://Acme.myshopify.com/admin ")).toBe("acme.myshopify.com");
    expect(shopifyShop("acme")).toBe("acme");
  });
});

describe("retryOutcome", () => {
  it("counts the retried webhooks taken in and those set aside again", () => {
    const after = { items: [{ webhook_id: "w-42" }, { webhook_id: "w-9" }], waiting: 0 };
    expect(retryOutcome(["w-41", "w-42"], after)).toEqual({ taken: 1, parkedAgain: 1, waiting: false, tone: "warn" });
    expect(retryOutcome([], after)).toEqual({ taken: 0, parkedAgain: 0, waiting: false, tone: "warn" });
  });
  it("reads as a success only when every retried webhook was taken in", () => {
    expect(retryOutcome(["w-41", "w-43"], { items: [{ webhook_id: "w-9" }], waiting: 0 }).tone).toBe("ok");
    expect(retryOutcome(["w-9"], { items: [{ webhook_id: "w-9" }], waiting: 0 }).tone).toBe("warn");
  });
  it("says when some are still waiting to be read", () => {
    const outcome = retryOutcome(["w-41"], { items: [], waiting: 1 });
    expect(outcome.waiting).toBe(true);
    expect(outcome.tone).toBe("info");
  });
});
