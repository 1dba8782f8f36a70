import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { query } from "../api/http";
import type { ClientPage } from "../api/types";
import { useApp } from "../app";
import { Badge, EmptyState, LoadError, PageTitle, useLoad } from "../ui/components";

type StatusFilter = "active" | "archived" | "all";
const PAGE_SIZE = 20;

/** Operators: every client, searched, filtered by status, a page at a time. */
export function ClientsPage() {
  const { api, t, date } = useApp();
  const [typed, setTyped] = useState("");
  const [search, setSearch] = useState("");
  const [status, setStatus] = useState<StatusFilter>("active");
  const [cursors, setCursors] = useState<(string | null)[]>([null]); // the cursor of each page seen
  const cursor = cursors[cursors.length - 1] ?? null;
  const { data, error, reload } = useLoad(
    () => api.get<ClientPage>(`/clients${query({ search, status, cursor, limit: PAGE_SIZE })}`),
    [search, status, cursor],
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    setCursors([null]);
    setSearch(typed.trim());
  }
  const filtered = search !== "" || status !== "active";
  return (
    <>
      <PageTitle actions={<Link className="button" to="/console/clients/new">{t("clients.add")}</Link>}>{t("clients.title")}</PageTitle>
      <form className="toolbar" onSubmit={submit} role="search">
        <label className="grow">
          <span className="visually-hidden">{t("clients.search")}</span>
          <input type="search" placeholder={t("clients.search")} aria-label={t("clients.search")} value={typed} onChange={(e) => setTyped(e.target.value)} />
        </label>
        <button type="submit" className="button secondary">
          {t("clients.searchButton")}
        </button>
        <label>
          {t("clients.status")}{" "}
          <select
            value={status}
            onChange={(e) => {
              setCursors([null]);
              setStatus(e.target.value as StatusFilter);
            }}
          >
            <option value="active">{t("clients.status.active")}</option>
            <option value="archived">{t("clients.status.archived")}</option>
            <option value="all">{t("clients.status.all")}</option>
          </select>
        </label>
      </form>
      <LoadError error={error} retry={reload} />
      {data && data.items.length === 0 && (
        <EmptyState action={filtered ? undefined : <Link className="button" to="/console/clients/new">{t("clients.add")}</Link>}>
          {filtered ? t("clients.noMatch") : t("clients.empty")}
        </EmptyState>
      )}
      {data && data.items.length > 0 && (
        <table>
          <caption className="visually-hidden">{t("clients.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("clients.name")}</th>
              <th scope="col">{t("clients.reference")}</th>
              <th scope="col">{t("clients.status")}</th>
              <th scope="col">{t("clients.created")}</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((client) => (
              <tr key={client.id}>
                <td>
                  <Link to={`/console/clients/${client.id}`}>{client.name}</Link>
                </td>
                <td>{client.reference_id ?? "—"}</td>
                <td>
                  <Badge tone={client.status === "active" ? "ok" : "muted"}>
                    {client.status === "active" ? t("clients.status.active") : t("clients.status.archived")}
                  </Badge>
                </td>
                <td>{date(client.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav className="pager" aria-label={t("clients.title")}>
        <button type="button" className="button secondary" disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
          {t("common.previous")}
        </button>
        <button type="button" className="button secondary" disabled={!data?.next_cursor} onClick={() => data?.next_cursor && setCursors((c) => [...c, data.next_cursor ?? null])}>
          {t("common.next")}
        </button>
      </nav>
    </>
  );
}
