// The rules of the manual-order, import, hold-rule and shipment screens that need no server:
// a "Place order" form into the API's body, the API's refusals to the form's fields, an
// import's progress, the hold rules' form, and which tracking links are safe to open.
import type { HoldRules, OrderImport, PlaceOrder, Problem } from "../api/types";

export const ADDRESS_FIELDS = ["first_name", "last_name", "company", "address1", "address2", "city", "state", "postcode", "country_code", "email", "phone"] as const;
export type AddressField = (typeof ADDRESS_FIELDS)[number];
export const OPTIONAL_ADDRESS_FIELDS: readonly AddressField[] = ["company", "address2", "state", "email", "phone"];

/** A line as the form holds it: by a SKU mapped in the store, or by a catalog product UID with
 * its design files (one URL a line of the text area, front first). */
export interface LineForm {
  by: "sku" | "uid";
  sku: string;
  productUid: string;
  designUrls: string;
  quantity: string;
}

export interface OrderForm {
  reference: string;
  address: Record<AddressField, string>;
  shippingMethod: string;
  test: boolean;
  lines: LineForm[];
}

export function emptyLine(by: "sku" | "uid" = "sku"): LineForm {
  return { by, sku: "", productUid: "", designUrls: "", quantity: "1" };
}

export function emptyOrderForm(): OrderForm {
  return {
    reference: "",
    address: Object.fromEntries(ADDRESS_FIELDS.map((name) => [name, ""])) as Record<AddressField, string>,
    shippingMethod: "",
    test: false,
    lines: [emptyLine()],
  };
}

const orNull = (value: string) => (value.trim() === "" ? null : value.trim());

/** The API's body: empty fields left out, a line by SKU or by UID (never both), the quantity as
 * typed when it is not a whole number (the API says what is wrong with it, next to the field). */
export function placeOrderBody(storeId: string, form: OrderForm): PlaceOrder {
  const address = Object.fromEntries(ADDRESS_FIELDS.map((name) => [name, orNull(form.address[name])]));
  return {
    store_id: storeId,
    reference: form.reference.trim(),
    shipping_address: address,
    shipping_method: orNull(form.shippingMethod),
    test: form.test,
    lines: form.lines.map((line) => {
      const quantity = /^\d+$/.test(line.quantity.trim()) ? Number(line.quantity.trim()) : (line.quantity as unknown as number);
      return line.by === "sku"
        ? { sku: orNull(line.sku), quantity, design_file_urls: [] }
        : {
            product_uid: orNull(line.productUid),
            design_file_urls: line.designUrls
              .split(/\r?\n/)
              .map((url) => url.trim())
              .filter(Boolean),
            quantity,
          };
    }),
  };
}

/** field → message for a nested body: a validation error's location ["body", "shipping_address",
 * "postcode"] is "shipping_address.postcode", ["body", "lines", "0", "quantity"] is
 * "lines[0].quantity" (how order intake names a line's field in a business rule's `field`).
 * What names no field is under "". */
export function nestedFieldErrors(problem: Problem | null | undefined, said?: (error: SaidError) => string | undefined): Record<string, string> {
  const found: Record<string, string> = {};
  if (!problem) return found;
  for (const error of (problem.errors ?? []) as SaidError[]) {
    const [where, ...path] = error.location;
    const key = where === "body" ? path.reduce<string>((name, part) => (/^\d+$/.test(String(part)) ? `${name}[${part}]` : name ? `${name}.${part}` : String(part)), "") : "";
    found[key] ??= (error.code ? said?.(error) : undefined) ?? error.message;
  }
  if (problem.field) found[problem.field] ??= problem.detail ?? problem.title; // an entry of `errors` says its field more precisely
  if (Object.keys(found).length === 0) found[""] = problem.detail ?? problem.title;
  return found;
}

/** One entry of a 422's ``errors``: the field and its English words; order intake's refused lines of
 * "Place order" also say what is wrong by code and values (and which line, from 1), which ``said``
 * puts in the reader's language. */
export interface SaidError {
  location: string[];
  message: string;
  type: string;
  code?: string | null;
  params?: Record<string, unknown> | null;
  line?: number;
}

/** A line's error: the field's own, else one about the whole line (e.g. "lines[0]"). */
export function lineError(errors: Record<string, string>, index: number, field: string): string | undefined {
  return errors[`lines[${index}].${field}`];
}

export function importFinished(job: OrderImport | null | undefined): boolean {
  return !!job && job.status !== "running";
}

export function importPercent(job: OrderImport): number {
  if (job.orders_total <= 0) return importFinished(job) ? 100 : 0;
  return Math.min(100, Math.round((job.orders_done / job.orders_total) * 100));
}

/** The hold rules as the form holds them. */
export interface RulesForm {
  firstOrderOfNewStore: boolean;
  maxTotal: string;
  maxQuantity: string;
  countries: string;
}

export function rulesForm(rules: { first_order_of_new_store: boolean; max_total?: number | string | null; max_quantity?: number | null; countries: string[] }): RulesForm {
  return {
    firstOrderOfNewStore: rules.first_order_of_new_store,
    maxTotal: rules.max_total == null ? "" : String(rules.max_total),
    maxQuantity: rules.max_quantity == null ? "" : String(rules.max_quantity),
    countries: rules.countries.join(", "),
  };
}

/** The API's hold rules: "fr, DE;it" is ["FR", "DE", "IT"]; empty limits are no limit; a limit
 * that is not a number goes as typed, and the API names the field. */
export function rulesBody(form: RulesForm): HoldRules {
  const quantity = form.maxQuantity.trim();
  return {
    first_order_of_new_store: form.firstOrderOfNewStore,
    max_total: form.maxTotal.trim() === "" ? null : form.maxTotal.trim().replace(",", "."),
    max_quantity: quantity === "" ? null : /^\d+$/.test(quantity) ? Number(quantity) : (quantity as unknown as number),
    countries: [...new Set(form.countries.split(/[\s,;]+/).map((c) => c.trim().toUpperCase()).filter(Boolean))],
  };
}

/** A tracking link the console may open: http(s) only (never javascript: or data:). */
export function safeLink(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch {
    return null;
  }
}
