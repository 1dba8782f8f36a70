import { describe, expect, it } from "vitest";
import type { CatalogProduct, PublishRequest } from "../api/mapping-types";
import { blankProduct, draftOfTemplate, publishBody, publishFailureOf, shopWords } from "./publishing";

const poster = { product_uid: "poster_a3", print_spec: { print_files: ["default"] } } as unknown as CatalogProduct;

describe("publishBody", () => {
  it("sends each variant with the print files of its catalog product, a decimal comma read as a point", () => {
    const draft = blankProduct();
    draft.title = " City poster ";
    draft.currency = "eur";
    draft.variants = [{ key: 1, sku: "CITY-A3 ", title: "A3", options: "Size=A3", price: "24,90", uid: "poster_a3", files: { default: " http://x/p.png ", back: "http://x/b.png" } }];
    const { body, badOptions } = publishBody(draft, { poster_a3: poster });
    expect(badOptions).toBeNull();
    expect(body).toEqual({
      title: "City poster",
      description: null,
      currency: "EUR",
      tags: [],
      image_urls: [],
      variants: [{ sku: "CITY-A3", title: "A3", options: { Size: "A3" }, price: "24.90", product_uid: "poster_a3", print_files: [{ type: "default", url: "http://x/p.png" }], print_options: {} }],
    });
  });

  it("names the variant whose options are malformed", () => {
    const draft = blankProduct();
    draft.variants = [{ key: 7, sku: "A", title: "A", options: "Size", price: "1", uid: "u", files: {} }];
    expect(publishBody(draft, {}).badOptions).toBe(7);
  });

  it("reads a template back into the form", () => {
    const draft = draftOfTemplate({
      title: "City poster",
      currency: "EUR",
      tags: [],
      image_urls: [],
      variants: [{ sku: "CITY-A3", title: "A3", options: { Size: "A3" }, price: "24.90", product_uid: "poster_a3", print_files: [{ type: "default", url: "http://x/p.png" }], print_options: {} }],
    });
    expect(draft.title).toBe("City poster");
    expect(draft.variants.map(({ key: _key, ...v }) => v)).toEqual([{ sku: "CITY-A3", title: "A3", options: "Size=A3", price: "24.90", uid: "poster_a3", files: { default: "http://x/p.png" } }]);
  });
});

describe("a failed publication", () => {
  const failed = (failure_reason: string, failure_detail: string | null) => ({ status: "failed", failure_reason, failure_detail }) as unknown as PublishRequest;
  it("is said by its reason's key, and an unknown reason by a general one", () => {
    expect(publishFailureOf(failed("platform_not_supported", "Stores on woocommerce cannot do this yet."))).toBe("platform_not_supported");
    expect(publishFailureOf(failed("something_new", null))).toBe("other");
  });
  it("shows the shop's own words only when the shop refused it", () => {
    expect(shopWords(failed("platform_refused", "The shop's platform refused the request: Title can't be blank"))).toBe("Title can't be blank");
    expect(shopWords(failed("platform_not_supported", "Stores on woocommerce cannot do this yet."))).toBeNull();
  });
});
