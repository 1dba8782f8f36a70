import { describe, expect, it } from "vitest";
import { Session, type SessionEnd } from "../auth/session";
import { http, query } from "./http";
import { ApiError } from "./problems";

const pair = (n: number) => ({ access_token: `a${n}`, refresh_token: `r${n}`, expires_in: 900, token_type: "Bearer" });

function server(routes: Record<string, Array<{ status: number; body: unknown }>>) {
  const seen: Array<{ path: string; auth: string | null; language: string | null }> = [];
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const path = String(input);
    const headers = new Headers(init?.headers);
    seen.push({ path, auth: headers.get("Authorization"), language: headers.get("Accept-Language") });
    const answer = routes[path]?.shift() ?? { status: 500, body: { title: "no answer", status: 500 } };
    return new Response(answer.status === 204 ? null : JSON.stringify(answer.body), { status: answer.status });
  }) as typeof fetch;
  return { seen, fetcher };
}

async function signedIn(fetcher: typeof fetch) {
  const session = new Session({ fetch: fetcher, now: () => 0, schedule: () => 0, cancel: () => undefined });
  await session.signIn("ada@acme.example", "pw", "en");
  return session;
}

describe("calls through the gateway", () => {
  it("send the token and the language, and retry once after a refresh when the token is refused", async () => {
    const { seen, fetcher } = server({
      "/auth/login": [{ status: 200, body: pair(1) }],
      "/auth/refresh": [{ status: 200, body: pair(2) }],
      "/clients": [
        { status: 401, body: { title: "Unauthorized", status: 401 } },
        { status: 200, body: { items: [], next_cursor: null } },
      ],
    });
    const api = http(await signedIn(fetcher), () => "fr", fetcher);
    expect(await api.get("/clients")).toEqual({ items: [], next_cursor: null });
    const calls = seen.filter((c) => c.path === "/clients");
    expect(calls.map((c) => c.auth)).toEqual(["Bearer a1", "Bearer a2"]);
    expect(calls.every((c) => c.language === "fr")).toBe(true);
  });

  it("end the session with the API's reason when the refresh is refused too", async () => {
    const { fetcher } = server({
      "/auth/login": [{ status: 200, body: pair(1) }],
      "/auth/refresh": [{ status: 401, body: { title: "Unauthorized", status: 401, detail: "Your user was removed." } }],
      "/team": [{ status: 401, body: { title: "Unauthorized", status: 401 } }],
    });
    const session = await signedIn(fetcher);
    const ends: SessionEnd[] = [];
    session.onEnd((end) => ends.push(end));
    await expect(http(session, () => "en", fetcher).get("/team")).rejects.toBeInstanceOf(ApiError);
    expect(ends).toEqual([{ reason: "ended", detail: "Your user was removed." }]);
  });

  it("raise a problem with its field for a refused body", async () => {
    const problem = { title: "Unprocessable", status: 422, detail: "Le nom du client est obligatoire.", field: "name" };
    const { fetcher } = server({ "/auth/login": [{ status: 200, body: pair(1) }], "/clients": [{ status: 422, body: problem }] });
    const failure = await http(await signedIn(fetcher), () => "fr", fetcher)
      .send("POST", "/clients", { name: " " })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).problem.field).toBe("name");
  });

  it("build query strings from the values that are set", () => {
    expect(query({ search: "acme", status: "all", cursor: null, limit: 20 })).toBe("?search=acme&status=all&limit=20");
    expect(query({ search: "" })).toBe("");
  });
});
