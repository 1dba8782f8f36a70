import { useState, type FormEvent } from "react";
import { query } from "../api/http";
import type { EmailList } from "../api/types";
import { useApp } from "../app";
import { Badge, EmptyState, LoadError, PageTitle, useLoad } from "../ui/components";

/** The notifier's delivery log (GET /emails): for operators every client's, for an admin its own. */
export function EmailLog({ clientId }: { clientId?: string }) {
  const { api, t, date, number } = useApp();
  const [typed, setTyped] = useState("");
  const [to, setTo] = useState("");
  const { data, error, reload } = useLoad(() => api.get<EmailList>(`/emails${query({ client_id: clientId, to, limit: 100 })}`), [clientId, to]);
  function submit(event: FormEvent) {
    event.preventDefault();
    setTo(typed.trim());
  }
  const tone = (status: string) => (status === "sent" ? "ok" : status === "failed" ? "bad" : "warn");
  const label = (status: string) =>
    status === "sent" ? t("emails.status.sent") : status === "failed" ? t("emails.status.failed") : t("emails.status.pending");
  return (
    <>
      <form className="toolbar" onSubmit={submit}>
        <label className="grow">
          <span className="visually-hidden">{t("emails.filter")}</span>
          <input type="search" placeholder={t("emails.filter")} aria-label={t("emails.filter")} value={typed} onChange={(e) => setTyped(e.target.value)} />
        </label>
        <button type="submit" className="button secondary">
          {t("emails.filterButton")}
        </button>
      </form>
      <LoadError error={error} retry={reload} />
      {data && data.items.length === 0 && <EmptyState>{t("emails.empty")}</EmptyState>}
      {data && data.items.length > 0 && (
        <table>
          <caption className="visually-hidden">{t("emails.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("emails.to")}</th>
              <th scope="col">{t("emails.subject")}</th>
              <th scope="col">{t("emails.status")}</th>
              <th scope="col">{t("emails.attempts")}</th>
              <th scope="col">{t("emails.when")}</th>
              <th scope="col">{t("emails.sent")}</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((mail) => (
              <tr key={mail.id}>
                <td>{mail.to}</td>
                <td>{mail.subject}</td>
                <td>
                  <Badge tone={tone(mail.status)}>{label(mail.status)}</Badge>
                  {mail.last_error && <div className="hint">{mail.last_error}</div>}
                </td>
                <td className="number">{number(mail.attempts)}</td>
                <td>{date(mail.created_at)}</td>
                <td>{date(mail.sent_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export function EmailsPage() {
  const { t } = useApp();
  return (
    <>
      <PageTitle>{t("emails.title")}</PageTitle>
      <EmailLog />
    </>
  );
}
