import { describe, expect, it } from "vitest";
import { emptyLine, emptyOrderForm, importPercent, nestedFieldErrors, placeOrderBody, rulesBody, rulesForm, safeLink } from "./manual";
import type { OrderImport } from "../api/types";
import { translate } from "../i18n/locale";
import type { MessageKey } from "../i18n/messages";
import { rowProblemText } from "./texts";

describe("place order", () => {
  it("sends a line by SKU or by UID with its design files, and leaves empty fields out", () => {
    const form = emptyOrderForm();
    form.reference = " PO-1 ";
    form.address.last_name = "Lovelace";
    form.address.country_code = "fr";
    form.lines = [
      { ...emptyLine("sku"), sku: "TEE-1", quantity: "2" },
      { ...emptyLine("uid"), productUid: "uid-1", designUrls: "https://f.example/front.pdf\n\n https://f.example/back.pdf ", quantity: "1" },
    ];
    const body = placeOrderBody("store-1", form);
    expect(body.reference).toBe("PO-1");
    expect(body.shipping_address.last_name).toBe("Lovelace");
    expect(body.shipping_address.first_name).toBeNull();
    expect(body.lines[0]).toEqual({ sku: "TEE-1", quantity: 2, design_file_urls: [] });
    expect(body.lines[1]).toEqual({ product_uid: "uid-1", design_file_urls: ["https://f.example/front.pdf", "https://f.example/back.pdf"], quantity: 1 });
  });

  it("names a nested field as the form does", () => {
    const errors = nestedFieldErrors({
      type: "about:blank",
      title: "Invalid",
      status: 422,
      errors: [
        { location: ["body", "shipping_address", "country_code"], message: "at most 2 characters", type: "string_too_long" },
        { location: ["body", "lines", "1", "quantity"], message: "at least 1", type: "greater_than_equal" },
      ],
    } as never);
    expect(errors["shipping_address.country_code"]).toBe("at most 2 characters");
    expect(errors["lines[1].quantity"]).toBe("at least 1");
    expect(nestedFieldErrors({ type: "x", title: "Invalid", status: 422, detail: "Line 1: SKU 'X' is not mapped", field: "lines[0].sku" })["lines[0].sku"]).toContain("not mapped");
    expect(nestedFieldErrors({ type: "x", title: "Store not known", status: 404 })[""]).toBe("Store not known");
  });

  it("says each refused line of Place order next to its field in the reader's language, from its code", () => {
    const problem = {
      type: "about:blank",
      title: "Commande non valide",
      status: 422,
      detail: "Ligne 2 : « ftp://f.example/a.pdf » n'est pas une URL http(s).",
      field: "lines[1].design_file_urls",
      errors: [
        { location: ["body", "lines", "1", "design_file_urls"], message: "'ftp://f.example/a.pdf' is not an http(s) URL.", type: "order_line.design_file_not_url", code: "order_line.design_file_not_url", params: { url: "ftp://f.example/a.pdf" }, line: 2 },
        { location: ["body", "lines", "2", "quantity"], message: "Quantity must be a whole number from 1 to 100000.", type: "order_line.quantity_range", code: "order_line.quantity_range", params: { max: "100000" }, line: 3 },
        { location: ["body", "lines", "3", "sku"], message: "SKU 'X' is not mapped in this store.", type: "order_csv.sku_unmapped", code: "order_csv.sku_unmapped", params: { sku: "X" }, line: 4 },
      ],
    } as never;
    const french = (key: MessageKey, params?: Record<string, string | number>) => translate("fr", key, params);
    const errors = nestedFieldErrors(problem, (line) => rowProblemText(line, french, (iso) => iso));
    expect(errors["lines[1].design_file_urls"]).toBe("« ftp://f.example/a.pdf » n'est pas une URL http(s).");
    expect(errors["lines[2].quantity"]).toBe("La quantité doit être un nombre entier de 1 à 100000.");
    expect(errors["lines[3].sku"]).toBe("Le SKU « X » n'est pas relié dans cette boutique.");
    expect(nestedFieldErrors(problem)["lines[2].quantity"]).toBe("Quantity must be a whole number from 1 to 100000."); // no reader's language: the API's words
  });
});

describe("import progress", () => {
  const job = (done: number, total: number, status = "running") => ({ orders_done: done, orders_total: total, status }) as OrderImport;
  it("is the share of orders done, and 100 once a file with no order is finished", () => {
    expect(importPercent(job(1, 4))).toBe(25);
    expect(importPercent(job(0, 0))).toBe(0);
    expect(importPercent(job(0, 0, "refused"))).toBe(100);
  });
});

describe("hold rules", () => {
  it("reads countries in any separator and case, and empty limits as none", () => {
    const body = rulesBody({ firstOrderOfNewStore: true, maxTotal: "150,50", maxQuantity: "", countries: "fr, de;it FR" });
    expect(body).toEqual({ first_order_of_new_store: true, max_total: "150.50", max_quantity: null, countries: ["FR", "DE", "IT"] });
    expect(rulesForm({ first_order_of_new_store: false, max_total: "100.00", max_quantity: 5, countries: ["FR"] })).toEqual({
      firstOrderOfNewStore: false,
      maxTotal: "100.00",
      maxQuantity: "5",
      countries: "FR",
    });
  });
});

describe("tracking links", () => {
  it("opens http(s) only", () => {
    expect(safeLink("https://track.example/1Z999")).toBe("https://track.example/1Z999");
    expect(safeLink("javascript:alert(1)")).toBeNull();
    expect(safeLink("not a url")).toBeNull();
    expect(safeLink(null)).toBeNull();
  });
});
