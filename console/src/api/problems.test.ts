import { describe, expect, it } from "vitest";
import { fieldErrors, problemItems, problemOf } from "./problems";

describe("fieldErrors", () => {
  it("puts a business rule's detail under the field it names", () => {
    const errors = fieldErrors({ title: "Conflict", status: 409, detail: "Ce courriel est déjà utilisé.", field: "email" });
    expect(errors).toEqual({ email: "Ce courriel est déjà utilisé." });
  });
  it("puts each request-validation error under its body field", () => {
    const errors = fieldErrors({
      title: "Unprocessable",
      status: 422,
      errors: [
        { location: ["body", "name"], message: "String should have at most 200 characters", type: "string_too_long" },
        { location: ["query", "limit"], message: "bad", type: "int_parsing" },
      ],
    });
    expect(errors).toEqual({ name: "String should have at most 200 characters", "": "bad" });
  });
  it("shows a problem naming no field above the form", () => {
    expect(fieldErrors({ title: "Unauthorized", status: 401, detail: "Email or password is incorrect." })).toEqual({
      "": "Email or password is incorrect.",
    });
  });
});

describe("problemItems", () => {
  it("reads each entry of errors with what else the service names there", () => {
    const items = problemItems({
      title: "Mapping refused",
      status: 422,
      errors: [{ location: ["body", "variants", "0", "product_uid"], message: "No UID", type: "uid_unknown", platform_variant_id: "v1" }],
    } as never);
    expect(items).toEqual([{ location: ["body", "variants", "0", "product_uid"], message: "No UID", type: "uid_unknown", names: { platform_variant_id: "v1" } }]);
    expect(fieldErrors({ title: "Mapping refused", status: 422, errors: items.map(({ names, ...item }) => ({ ...item, ...names })) } as never)).toEqual({ variants: "No UID" });
  });
});

describe("problemOf", () => {
  it("reads a problem+json body, or makes one from the status", () => {
    expect(problemOf(404, '{"title":"Not found","status":404}').title).toBe("Not found");
    expect(problemOf(502, "<html>Bad gateway</html>", "Bad Gateway")).toEqual({ type: "about:blank", title: "Bad Gateway", status: 502 });
  });
});
