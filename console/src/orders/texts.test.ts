import { describe, expect, it } from "vitest";
import { translate } from "../i18n/locale";
import type { MessageKey } from "../i18n/messages";
import { actorName, attentionText, historyText, holdDetail, holdText, problemText, rowProblemText, shippedAt } from "./texts";

const said = (locale: "en" | "fr") => (key: MessageKey, params?: Record<string, string | number>) => translate(locale, key, params);
const date = (iso: string) => `<${iso}>`;

describe("hold texts", () => {
  it("says a hold in the reader's language from its code and values", () => {
    const hold = { message: "postcode '7500' is not a valid FR postcode", code: "address.postcode_invalid", params: { postcode: "7500", country: "FR" } };
    expect(holdText(hold, said("en"), date)).toBe("postcode '7500' is not a valid FR postcode");
    expect(holdText(hold, said("fr"), date)).toBe("le code postal « 7500 » n'est pas un code postal FR valide");
  });

  it("writes the time of a delay window in the reader's format", () => {
    const hold = { message: "goes to production at 2026-11-30 10:00 UTC unless …", code: "approval.delay", params: { when: "2026-11-30 10:00 UTC", at: "2026-11-30T10:00:00+00:00" } };
    expect(holdText(hold, said("fr"), date)).toContain("<2026-11-30T10:00:00+00:00>");
  });

  it("keeps order intake's English words for an unknown code or a hold with none", () => {
    expect(holdText({ message: "something new", code: "rule.unheard_of", params: {} }, said("fr"), date)).toBe("something new");
    expect(holdText({ message: "country code missing" }, said("fr"), date)).toBe("country code missing");
  });
});

describe("a rule's hold after its title", () => {
  const hold = { reason: "held_by_rule", message: "held by rule: 3 items is above 2", code: "rule.max_quantity", params: { quantity: "3", limit: "2" } };

  it("does not say twice that a rule held it, in English or French", () => {
    const title = (locale: "en" | "fr") => `${translate(locale, "order.hold.held_by_rule")}${translate(locale, "order.holdColon")}${holdDetail(hold, said(locale), date)}`;
    expect(title("en")).toBe("Held by a rule: 3 items, more than 2");
    expect(title("fr")).toBe("Retenue par une règle : 3 articles, au-delà de 2");
    for (const locale of ["en", "fr"] as const) expect(title(locale).toLowerCase().match(/rule|règle/g)).toHaveLength(1);
  });

  it("says it is a rule's when said on its own", () => {
    expect(holdText(hold, said("fr"), date)).toBe("retenue par une règle : 3 articles, au-delà de 2");
  });

  it("keeps the full sentence of a hold with no shorter one", () => {
    const address = { message: "city missing", code: "address.city_missing", params: {} };
    expect(holdDetail(address, said("fr"), date)).toBe(holdText(address, said("fr"), date));
  });
});

describe("history texts", () => {
  it("says an entry in the reader's language from its code and values", () => {
    expect(historyText({ reason: "order received", code: "history.received", params: {} }, said("fr"), date)).toBe("commande reçue");
    expect(historyText({ reason: "every line resolved", code: "history.resolved", params: {} }, said("en"), date)).toBe("every line resolved");
    expect(historyText({ reason: "parcel 1Z999", code: "history.parcel", params: { tracking_number: "1Z999" } }, said("fr"), date)).toBe("colis 1Z999");
  });

  it("lists the holds of a held entry, each in the reader's language", () => {
    const entry = {
      reason: "postcode '7500' is not a valid FR postcode; held by rule: 3 items is above 2",
      code: "history.held",
      params: { holds: "postcode '7500' is not a valid FR postcode; held by rule: 3 items is above 2" },
      holds: [
        { message: "postcode '7500' is not a valid FR postcode", code: "address.postcode_invalid", params: { postcode: "7500", country: "FR" } },
        { message: "held by rule: 3 items is above 2", code: "rule.max_quantity", params: { quantity: "3", limit: "2" } },
      ],
    };
    expect(historyText(entry, said("fr"), date)).toBe("le code postal « 7500 » n'est pas un code postal FR valide; retenue par une règle : 3 articles, au-delà de 2");
  });

  it("names a status in the reader's language", () => {
    const late = { reason: "cancelled in the shop after production started (printed)", code: "history.cancelled_late", params: { status: "printed" } };
    expect(historyText(late, said("fr"), date)).toBe("annulée dans la boutique après le début de la production (Imprimée)");
    expect(attentionText({ attention: late.reason, history: [{ code: "history.received" }, late] }, said("fr"), date)).toBe("annulée dans la boutique après le début de la production (Imprimée)");
    expect(attentionText({ attention: "something else", history: [] }, said("fr"), date)).toBe("something else");
  });

  it("names the shop's cancel reason in the reader's language, and keeps one it does not know", () => {
    const late = { reason: "cancelled in the shop: customer after production started (printed)", code: "history.cancelled_late_because", params: { reason: "customer", status: "printed" } };
    expect(historyText(late, said("fr"), date)).toBe("annulée dans la boutique (par le client) après le début de la production (Imprimée)");
    expect(historyText({ code: "history.cancelled_in_shop_because", params: { reason: "inventory" } }, said("en"), date)).toBe("cancelled in the shop: out of stock");
    expect(historyText({ code: "history.cancelled_in_shop_because", params: { reason: "changed my mind" } }, said("fr"), date)).toBe("annulée dans la boutique : changed my mind");
    expect(historyText({ reason: "fraud" }, said("fr"), date)).toBe("fraud");
  });

  it("keeps a person's own words, and entries kept before codes, as they are", () => {
    expect(historyText({ reason: "rupture de stock", code: null }, said("en"), date)).toBe("rupture de stock");
    expect(historyText({ reason: "order received" }, said("fr"), date)).toBe("order received");
    expect(historyText({ reason: null }, said("fr"), date)).toBe("");
  });

  it("names who made a change: the user's name, the shop in the reader's language, else the id", () => {
    expect(actorName({ actor: "e4f8aeb9", actor_name: "Ada Lovelace" }, said("fr"))).toBe("Ada Lovelace");
    expect(actorName({ actor: "shop", actor_name: null }, said("fr"))).toBe("la boutique");
    expect(actorName({ actor: "e4f8aeb9" }, said("fr"))).toBe("e4f8aeb9");
  });
});

describe("a refusal said by a code", () => {
  it("is a sentence in the reader's language next to its field", () => {
    const problem = { detail: "Country code 'USA' is not an ISO country code.", field: "shipping_address.country_code", code: "address.country_unknown", params: { country: "USA" } };
    expect(problemText(problem, said("fr"), date)).toBe("Le code pays « USA » n'est pas un code pays ISO.");
    expect(problemText(problem, said("en"), date)).toBe("Country code 'USA' is not an ISO country code.");
    expect(problemText({ detail: "Line 1: SKU 'X' is not mapped in this store." }, said("fr"), date)).toBeUndefined();
  });
});

describe("a parcel's shipped time", () => {
  it("is its own, else the time its history entry recorded it", () => {
    const history = [{ at: "2026-11-30T11:44:00Z", shipment: { tracking_number: "1Z999" } }];
    expect(shippedAt({ tracking_number: "1Z999", shipped_at: "2026-11-30T11:45:00Z" }, history)).toBe("2026-11-30T11:45:00Z");
    expect(shippedAt({ tracking_number: "1Z999", shipped_at: null }, history)).toBe("2026-11-30T11:44:00Z");
    expect(shippedAt({ tracking_number: "other" }, history)).toBeNull();
  });
});

describe("an order import's bad rows", () => {
  it("says each row's problem in the reader's language from its code and values, as a sentence", () => {
    const row = { line: 4, column: "quantity", message: "quantity 'many' is not a whole number from 1", code: "order_csv.quantity_not_whole", params: { quantity: "many" } };
    expect(rowProblemText(row, said("en"), date)).toBe("Quantity 'many' is not a whole number from 1.");
    expect(rowProblemText(row, said("fr"), date)).toBe("La quantité « many » n'est pas un nombre entier à partir de 1.");
    const refused = { message: "more than 50000 rows: split the file", code: "order_csv.too_many_rows", params: { max: "50000" } };
    expect(rowProblemText(refused, said("fr"), date)).toBe("Plus de 50000 lignes : découpez le fichier.");
  });

  it("says an address problem with the hold's sentence of its code", () => {
    const row = { message: "postcode 'NOPE' is not a valid GB postcode", code: "address.postcode_invalid", params: { postcode: "NOPE", country: "GB" } };
    expect(rowProblemText(row, said("fr"), date)).toBe("Le code postal « NOPE » n'est pas un code postal GB valide.");
  });

  it("keeps order intake's English words for a code it does not know or a row kept without one", () => {
    expect(rowProblemText({ message: "something new", code: "order_csv.unheard_of", params: {} }, said("fr"), date)).toBe("Something new.");
    expect(rowProblemText({ message: "order reference missing", code: null, params: null }, said("fr"), date)).toBe("Order reference missing.");
  });
});
