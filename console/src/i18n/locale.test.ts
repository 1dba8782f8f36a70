import { describe, expect, it } from "vitest";
import { en, fr } from "./messages";
import { formatDateTime, formatNumber, pickLocale, translate } from "./locale";

describe("the language", () => {
  it("is the user's setting first, then the browser's, then English", () => {
    expect(pickLocale("fr", ["en-US"])).toBe("fr");
    expect(pickLocale(null, ["de-DE", "fr-CA"])).toBe("fr");
    expect(pickLocale("de", ["es"])).toBe("en");
  });
  it("has every English message in French", () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
  });
  it("fills parameters and localises numbers", () => {
    expect(translate("fr", "clients.count", { count: 1234 })).toBe("1\u202f234 clients sur cette page");
    expect(translate("en", "clients.count", { count: 1234 })).toBe("1,234 clients on this page");
    expect(formatNumber("fr", 0.5)).toBe("0,5");
  });
  it("localises dates", () => {
    const iso = "2026-03-04T10:05:00Z";
    expect(formatDateTime("fr", iso)).toMatch(/mars 2026/);
    expect(formatDateTime("en", iso)).toMatch(/Mar 2026/);
    expect(formatDateTime("en", null)).toBe("—");
  });
});
