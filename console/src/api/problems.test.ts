import { describe, expect, it } from "vitest";
import { fieldErrors, problemOf } from "./problems";

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

describe("problemOf", () => {
  it("reads a problem+json body, or makes one from the status", () => {
    expect(problemOf(404, '{"title":"Not found","status":404}').title).toBe("Not found");
    expect(problemOf(502, "<html>Bad gateway</html>", "Bad Gateway")).toEqual({ type: "about:blank", title: "Bad Gateway", status: 502 });
  });
});
