import { useState } from "react";
import type { Health, Install, Store } from "../api/types";
import { useApp } from "../app";
import type { MessageKey } from "../i18n/messages";
import { FormError, useProblem } from "../ui/components";

type Reconciled = { seen: number; recovered: number; ran_at: string };

/** Platforms whose orders the connector fetches again to recover missed webhooks. */
export const RECONCILED_PLATFORMS = ["shopify", "woocommerce", "etsy"];

const REASONS = ["platform_auth_failed", "reconnect_needed"];

/** "Needs attention": why orders stopped, and how to repair it (reconnect), in the reader's language. */
export function AttentionBanner({ store, canRepair }: { store: Store; canRepair: boolean }) {
  const { api, t } = useApp();
  const form = useProblem();
  if (store.status !== "needs_attention") return null;
  const reason = REASONS.includes(store.status_reason ?? "") ? store.status_reason : "other";
  const oauth = store.platform === "shopify" || store.platform === "etsy";
  async function reconnect() {
    const started = await form.run(() =>
      store.platform === "shopify"
        ? api.send<Install>("POST", "/stores/shopify/install", { shop: store.shop_url, store_id: store.id })
        : api.send<Install>("POST", "/stores/etsy/connect", { store_id: store.id }),
    );
    if (started) window.location.assign(started.authorize_url); // the shop asks again, then comes back
  }
  return (
    <div className="alert alert-warn" role="alert" data-testid="attention">
      <p>
        <strong>{t("attention.title")}</strong> {t(`attention.reason.${reason}` as MessageKey)}
      </p>
      <p>{oauth ? t("attention.repairOAuth") : t(`attention.repair.${store.platform === "woocommerce" ? "woocommerce" : "other"}` as MessageKey)}</p>
      <p className="hint">{t("attention.noDuplicates")}</p>
      <FormError message={form.errors[""] ?? Object.values(form.errors)[0]} />
      {canRepair && oauth && (
        <button type="button" className="button" onClick={() => void reconnect()}>
          {t("attention.reconnect")}
        </button>
      )}
    </div>
  );
}

/** The last run recovering orders whose webhooks were missed, and "Reconcile now". */
export function ReconciliationStatus({
  storeId,
  health,
  canReconcile,
  onReconciled,
}: {
  storeId: string;
  health: Health;
  canReconcile: boolean;
  onReconciled: () => void;
}) {
  const { api, t, date, number } = useApp();
  const form = useProblem();
  const [busy, setBusy] = useState(false);
  const run = health.reconciliation ?? null;
  async function reconcile() {
    setBusy(true);
    try {
      await form.run(() => api.send<Reconciled>("POST", `/stores/${storeId}/reconcile`));
    } finally {
      setBusy(false);
    }
    onReconciled(); // the run is on the health page, failed or not
  }
  return (
    <section aria-labelledby="reconcile-title" data-testid="reconciliation">
      <h3 id="reconcile-title">{t("reconcile.title")}</h3>
      <p className="hint">{t("reconcile.lead")}</p>
      <dl className="details">
        <dt>{t("reconcile.lastRun")}</dt>
        <dd>{run?.last_run_at ? date(run.last_run_at) : t("health.never")}</dd>
        {run?.last_run_at && (
          <>
            <dt>{t("reconcile.recovered")}</dt>
            <dd data-testid="reconcile-recovered">
              {t("reconcile.recoveredCount", { recovered: number(run.recovered), seen: number(run.seen) })}
            </dd>
            <dt>{t("reconcile.total")}</dt>
            <dd>{number(run.total_recovered)}</dd>
            <dt>{t("reconcile.error")}</dt>
            <dd>{run.error ? <span className="field-error">{run.error.message}</span> : t("reconcile.noError")}</dd>
          </>
        )}
      </dl>
      <FormError message={form.errors[""] ?? Object.values(form.errors)[0]} />
      {canReconcile && (
        <button type="button" className="button secondary" disabled={busy} onClick={() => void reconcile()}>
          {t("reconcile.now")}
        </button>
      )}
    </section>
  );
}
