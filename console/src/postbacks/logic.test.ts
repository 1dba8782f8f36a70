import { describe, expect, it } from "vitest";
import { defaultRange, deliveryTone, endpointTone, EVENT_TYPES, inLifeOrder, localInput, nextStatus, overlapRunning, replayable, replayRange, toggled } from "./logic";

describe("event types", () => {
  it("adds and removes a type, keeping the order of an order's life", () => {
    expect(toggled([], "order.shipped")).toEqual(["order.shipped"]);
    expect(toggled(["order.shipped"], "order.accepted")).toEqual(["order.accepted", "order.shipped"]);
    expect(toggled(["order.accepted", "order.shipped"], "order.accepted")).toEqual(["order.shipped"]);
    expect(EVENT_TYPES.reduce(toggled, [])).toEqual([...EVENT_TYPES]);
  });
  it("lists an endpoint's types in the order of an order's life, unknown ones last", () => {
    expect(inLifeOrder(["order.shipped", "order.future", "order.held", "order.accepted"])).toEqual(["order.accepted", "order.held", "order.shipped", "order.future"]);
  });
});

describe("statuses", () => {
  it("shows enabled as ok, paused as a warning and disabled as bad", () => {
    expect(endpointTone("enabled")).toBe("ok");
    expect(endpointTone("paused")).toBe("warn");
    expect(endpointTone("disabled")).toBe("bad");
    expect(deliveryTone("delivered")).toBe("ok");
    expect(deliveryTone("pending")).toBe("warn");
    expect(deliveryTone("failed")).toBe("bad");
  });
  it("pauses an enabled endpoint and enables a paused or disabled one", () => {
    expect(nextStatus("enabled")).toBe("paused");
    expect(nextStatus("paused")).toBe("enabled");
    expect(nextStatus("disabled")).toBe("enabled");
  });
  it("replays only deliveries that are no longer pending", () => {
    expect(replayable("failed")).toBe(true);
    expect(replayable("delivered")).toBe(true);
    expect(replayable("pending")).toBe(false);
  });
});

describe("replay range", () => {
  it("defaults to the last day, the current minute inside it", () => {
    const now = new Date(2026, 2, 2, 9, 30, 15);
    expect(defaultRange(now)).toEqual({ since: "2026-03-01T09:30", until: "2026-03-02T09:31" });
    expect(localInput(new Date(2026, 0, 5, 7, 4))).toBe("2026-01-05T07:04");
  });
  it("turns the two local times into the API's instants", () => {
    const range = replayRange("2026-03-01T09:30", "2026-03-02T09:31");
    expect(range).toEqual({ since: new Date(2026, 2, 1, 9, 30).toISOString(), until: new Date(2026, 2, 2, 9, 31).toISOString() });
  });
  it("names the field that is missing or out of order", () => {
    expect(replayRange("", "2026-03-02T09:31")).toEqual({ field: "since", error: "missing" });
    expect(replayRange("2026-03-01T09:30", "")).toEqual({ field: "until", error: "missing" });
    expect(replayRange("2026-03-02T09:30", "2026-03-02T09:30")).toEqual({ field: "until", error: "order" });
  });
});

describe("secret rotation", () => {
  it("tells whether the previous secret still signs", () => {
    const now = new Date("2026-03-02T09:00:00Z");
    expect(overlapRunning("2026-03-03T09:00:00Z", now)).toBe(true);
    expect(overlapRunning("2026-03-01T09:00:00Z", now)).toBe(false);
    expect(overlapRunning(null, now)).toBe(false);
  });
});
