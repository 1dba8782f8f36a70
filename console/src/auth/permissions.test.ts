import { describe, expect, it } from "vitest";
import { refusedFor, routesFor } from "../routes";
import { capabilities, changesAnything, isLastActiveAdmin } from "./permissions";

describe("navigation by role", () => {
  it("offers operators the clients, every client's orders and the e-mail log, no team of their own", () => {
    expect(routesFor("operator").filter((r) => r.nav).map((r) => r.path)).toEqual(["clients", "orders", "emails"]);
  });
  it("offers an admin its team and e-mails, never the operator's clients", () => {
    const paths = routesFor("admin").map((r) => r.path);
    expect(paths).toContain("team");
    expect(paths).not.toContain("clients");
  });
  it("gives an order manager and a read-only user no team screen and nothing that changes", () => {
    for (const role of ["order_manager", "read_only"] as const) {
      expect(routesFor(role).map((r) => r.path)).not.toContain("team");
      expect(capabilities(role).manageTeam).toBe(false);
    }
    expect(changesAnything("read_only")).toBe(false);
    expect(changesAnything("admin")).toBe(true);
  });
  it("offers the postback screens to an admin and operators only (the notifier refuses the others)", () => {
    expect(routesFor("admin").filter((r) => r.nav).map((r) => r.path)).toContain("postbacks");
    expect(routesFor("operator").map((r) => r.path)).toContain("clients/:clientId/postbacks/:endpointId");
    for (const role of ["store_manager", "order_manager", "read_only"] as const) {
      expect(routesFor(role).some((r) => r.path.includes("postbacks"))).toBe(false);
      expect(capabilities(role).managePostbacks).toBe(false);
    }
    expect(capabilities("admin").managePostbacks && capabilities("operator").managePostbacks).toBe(true);
    expect(changesAnything("admin")).toBe(true);
  });
});

describe("orders by role", () => {
  it("shows every role its orders; only operators, admins and order managers act on them (order intake's ACTING)", () => {
    for (const role of ["operator", "admin", "store_manager", "order_manager", "read_only"] as const) {
      expect(routesFor(role).filter((r) => r.nav).map((r) => r.path)).toContain("orders");
    }
    expect(["operator", "admin", "store_manager", "order_manager", "read_only"].map((r) => capabilities(r as never).manageOrders)).toEqual([
      true,
      true,
      false,
      true,
      false,
    ]);
    expect(changesAnything("read_only")).toBe(false);
  });
});

describe("stores by role", () => {
  it("lets operators and admins connect stores, store managers sync and disconnect, the others only read", () => {
    const of = (role: Parameters<typeof capabilities>[0]) => [capabilities(role).addStores, capabilities(role).manageStores];
    expect(of("operator")).toEqual([true, true]);
    expect(of("admin")).toEqual([true, true]);
    expect(of("store_manager")).toEqual([false, true]);
    expect(of("order_manager")).toEqual([false, false]);
    expect(of("read_only")).toEqual([false, false]);
  });
  it("routes Connect a store to those who may connect, and a client user's stores to every client role", () => {
    expect(routesFor("store_manager").map((r) => r.path)).not.toContain("stores/connect");
    expect(routesFor("admin").map((r) => r.path)).toContain("stores/connect");
    for (const role of ["admin", "store_manager", "order_manager", "read_only"] as const) {
      expect(routesFor(role).filter((r) => r.nav).map((r) => r.path)).toContain("stores");
      expect(routesFor(role).map((r) => r.path)).toContain("stores/:storeId");
    }
    expect(routesFor("operator").filter((r) => r.nav).map((r) => r.path)).not.toContain("stores");
  });
  it("refuses a store manager the connect screen outright, never reading connect as a store id", () => {
    expect(refusedFor("store_manager").map((r) => r.path)).toContain("stores/connect");
    expect(refusedFor("admin").map((r) => r.path)).not.toContain("stores/connect");
  });
});

describe("the last-admin rule", () => {
  const team = [
    { id: "a", role: "admin", status: "active" },
    { id: "b", role: "admin", status: "invitation_sent" },
    { id: "c", role: "order_manager", status: "active" },
  ];
  it("locks the only active admin", () => {
    expect(isLastActiveAdmin(team[0]!, team)).toBe(true);
    expect(isLastActiveAdmin(team[1]!, team)).toBe(false);
    expect(isLastActiveAdmin(team[2]!, team)).toBe(false);
  });
  it("frees an admin once another admin is active", () => {
    const two = [...team, { id: "d", role: "admin", status: "active" }];
    expect(isLastActiveAdmin(two[0]!, two)).toBe(false);
  });
});
