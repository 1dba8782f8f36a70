import { describe, expect, it } from "vitest";
import { translate } from "../i18n/locale";
import type { MessageKey } from "../i18n/messages";
import { holdText } from "./texts";

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
