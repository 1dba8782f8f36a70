import { useState } from "react";
import type { ParkedRetried, ParkedWebhookPage } from "../api/types";
import { useApp } from "../app";
import { FormError, LoadError, Notice, useLoad, useProblem } from "../ui/components";
import { retryOutcome } from "./logic";

const POLL_MS = 1000;
const MOST_POLLS = 30;
const PAGE_MOST = 200; // the API's largest page
const MOST_PAGES = 50; // 10,000 parked webhooks: beyond, the outcome counts those read

/** The store's webhooks that could not be read (their orders are not taken in), why, and
 * "Retry" (all, or one) for the roles that manage the store, once the cause is fixed. */
export function ParkedWebhooks({ storeId, canRetry, onRetried }: { storeId: string; canRetry: boolean; onRetried: () => void }) {
  const { api, t, date, number } = useApp();
  const path = `/stores/${storeId}/parked-webhooks`;
  const { data: page, error, reload, setData } = useLoad(() => api.get<ParkedWebhookPage>(path), [storeId]);
  const form = useProblem();
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ text: string; tone: "ok" | "warn" | "info" } | null>(null);

  /** Every parked webhook's id after the first page (the outcome counts those of every page). */
  async function laterPages(first: ParkedWebhookPage): Promise<ParkedWebhookPage["items"]> {
    const items: ParkedWebhookPage["items"] = [];
    let cursor = first.next_cursor;
    for (let pages = 0; cursor && pages < MOST_PAGES; pages++) {
      const next = await api.get<ParkedWebhookPage>(`${path}?cursor=${encodeURIComponent(cursor)}&limit=${PAGE_MOST}`);
      items.push(...next.items);
      cursor = next.next_cursor;
    }
    return items;
  }

  async function retry(webhookId?: string) {
    setBusy(true);
    setNotice(null);
    try {
      await form.run(async () => {
        const done = await api.send<ParkedRetried>("POST", `${path}/retry`, webhookId ? { webhook_id: webhookId } : {});
        // the webhooks are read again in the background: follow until none is waiting
        let latest = await api.get<ParkedWebhookPage>(path);
        for (let polls = 0; latest.waiting > 0 && polls < MOST_POLLS; polls++) {
          await new Promise((resolve) => window.setTimeout(resolve, POLL_MS));
          latest = await api.get<ParkedWebhookPage>(path);
        }
        setData(latest);
        const every = { items: [...latest.items, ...(await laterPages(latest))], waiting: latest.waiting };
        const outcome = retryOutcome(done.webhook_ids, every);
        setNotice({
          tone: outcome.tone,
          text: outcome.waiting
            ? t("parked.retriedWaiting", { retried: number(done.retried) })
            : t("parked.retriedDone", { taken: number(outcome.taken), parked: number(outcome.parkedAgain) }),
        });
        onRetried();
      });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="parked-title" data-testid="parked">
      <h3 id="parked-title">{t("parked.title")}</h3>
      {page && page.total > 0 && <p className="hint">{t("parked.lead")}</p>}
      <LoadError error={error} retry={reload} />
      {notice && <Notice tone={notice.tone}>{notice.text}</Notice>}
      <FormError message={form.errors[""] ?? Object.values(form.errors)[0]} />
      {page && page.total === 0 && <p data-testid="parked-count">{t("parked.none")}</p>}
      {page && page.total > 0 && (
        <>
          <p data-testid="parked-count">
            <strong>{t("parked.count", { count: number(page.total) })}</strong>
          </p>
          <table className="parked">
            <caption className="visually-hidden">{t("parked.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("parked.received")}</th>
                <th scope="col">{t("parked.webhook")}</th>
                <th scope="col">{t("parked.why")}</th>
                {canRetry && <th scope="col">{t("parked.actions")}</th>}
              </tr>
            </thead>
            <tbody>
              {page.items.map((parked) => (
                <tr key={parked.webhook_id}>
                  <td>
                    <time dateTime={parked.received_at}>{date(parked.received_at)}</time>
                  </td>
                  <td>
                    <span className="code">{parked.topic}</span>
                    <br />
                    <span className="hint code">{parked.webhook_id}</span>
                  </td>
                  <td>
                    {parked.reason.message}
                    {parked.detail && <span className="hint code parked-detail">{parked.detail}</span>}
                  </td>
                  {canRetry && (
                    <td>
                      <button
                        type="button"
                        className="button secondary"
                        disabled={busy}
                        aria-label={t("parked.retryOne", { id: parked.webhook_id })}
                        onClick={() => void retry(parked.webhook_id)}
                      >
                        {t("parked.retry")}
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
          {page.next_cursor && <p className="hint">{t("parked.more", { shown: number(page.items.length) })}</p>}
          {canRetry && (
            <p>
              <button type="button" className="button" disabled={busy} onClick={() => void retry()}>
                {busy ? t("parked.retrying") : t("parked.retryAll")}
              </button>
            </p>
          )}
        </>
      )}
    </section>
  );
}
