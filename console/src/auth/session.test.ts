import { describe, expect, it } from "vitest";
import { tokenFromLocation } from "../pages/AcceptInvitation";
import { Session, type SessionEnd } from "./session";

function fakeServer(answers: Array<{ status: number; body: unknown }>) {
  const calls: string[] = [];
  const fetcher = (async (input: RequestInfo | URL) => {
    calls.push(String(input));
    const answer = answers.shift() ?? { status: 500, body: {} };
    return new Response(JSON.stringify(answer.body), { status: answer.status });
  }) as typeof fetch;
  return { calls, fetcher };
}

const pair = (n: number) => ({ access_token: `a${n}`, refresh_token: `r${n}`, expires_in: 900, token_type: "Bearer" });

function session(fetcher: typeof fetch, now = () => 0) {
  const scheduled: number[] = [];
  const s = new Session({ fetch: fetcher, now, schedule: (_run, ms) => scheduled.push(ms), cancel: () => undefined });
  return { s, scheduled };
}

describe("the session", () => {
  it("keeps the access token in memory and schedules its refresh a minute before expiry", async () => {
    const { fetcher } = fakeServer([{ status: 200, body: pair(1) }]);
    const { s, scheduled } = session(fetcher);
    await s.signIn("ada@acme.example", "pw", "en");
    expect(s.token).toBe("a1");
    expect(scheduled).toEqual([840_000]);
  });
  it("refreshes once when two calls ask at the same time (a refresh token is single use)", async () => {
    const { calls, fetcher } = fakeServer([{ status: 200, body: pair(1) }, { status: 200, body: pair(2) }]);
    const { s } = session(fetcher);
    await s.signIn("ada@acme.example", "pw", "en");
    const [first, second] = await Promise.all([s.refresh(), s.refresh()]);
    expect(first && second).toBe(true);
    expect(calls.filter((c) => c === "/auth/refresh")).toHaveLength(1);
    expect(s.token).toBe("a2");
  });
  it("ends with the API's reason when the refresh is refused", async () => {
    const { fetcher } = fakeServer([
      { status: 200, body: pair(1) },
      { status: 401, body: { title: "Unauthorized", status: 401, detail: "Storefront access is turned off." } },
    ]);
    const { s } = session(fetcher);
    const ends: SessionEnd[] = [];
    s.onEnd((end) => ends.push(end));
    await s.signIn("ada@acme.example", "pw", "en");
    expect(await s.refresh()).toBe(false);
    expect(ends).toEqual([{ reason: "ended", detail: "Storefront access is turned off." }]);
    expect(s.signedIn).toBe(false);
  });
  it("on start, without a cookie, is simply not signed in", async () => {
    const { fetcher } = fakeServer([{ status: 401, body: { title: "Unauthorized", status: 401 } }]);
    const { s } = session(fetcher);
    const ends: SessionEnd[] = [];
    s.onEnd((end) => ends.push(end));
    expect(await s.resume()).toBe(false);
    expect(ends).toEqual([]);
  });
  it("reads the invitation token from the fragment, or the query of older links", () => {
    expect(tokenFromLocation("#token=abc.def", "")).toBe("abc.def");
    expect(tokenFromLocation("", "?token=old")).toBe("old");
    expect(tokenFromLocation("", "")).toBeNull();
  });
});
