import { describe, expect, it } from "vitest";
import { emptyOrdersMessage, holdReasonOf, orderStatusOf, orderStatusTone } from "./logic";

describe("orders", () => {
  it("gives each status its tone: held warns, cancelled is bad, unknown is muted", () => {
    expect(orderStatusTone("accepted")).toBe("ok");
    expect(orderStatusTone("on_hold")).toBe("warn");
    expect(orderStatusTone("cancelled")).toBe("bad");
    expect(orderStatusTone("something_new")).toBe("muted");
    expect(orderStatusOf("something_new")).toBe("unknown");
  });

  it("reads a hold's reason code, any other as other", () => {
    expect(holdReasonOf("invalid_address")).toBe("invalid_address");
    expect(holdReasonOf("new_reason")).toBe("other");
  });

  it("tells each role where orders come from when there are none, and only those who can to connect a store", () => {
    expect(emptyOrdersMessage("admin", false)).toBe("orders.empty");
    expect(emptyOrdersMessage("operator", false)).toBe("orders.emptyOperator");
    expect(emptyOrdersMessage("store_manager", false)).toBe("orders.emptyStoreManager");
    expect(emptyOrdersMessage("read_only", false)).toBe("orders.emptyAskAdmin");
    expect(emptyOrdersMessage("order_manager", false)).toBe("orders.emptyAskAdmin");
    expect(emptyOrdersMessage("read_only", true)).toBe("orders.noMatch");
  });
});
