import { useEffect, useRef, useState } from "react";
import { Link, useLocation, useParams } from "react-router-dom";
import type { Health, Store, Sync } from "../api/types";
import { useApp } from "../app";
import { followSync, shownStatus, syncFinished, syncPercent } from "../stores/logic";
import { ParkedWebhooks } from "../stores/ParkedWebhooks";
import { AttentionBanner, RECONCILED_PLATFORMS, ReconciliationStatus } from "../stores/Reconciliation";
import { ConfirmButton, FormError, LoadError, Notice, PageTitle, useLoad, useProblem } from "../ui/components";
import { ManualOrderActions } from "./ManualOrders";
import { platformName, StoreStatusBadge } from "./Stores";

const POLL_MS = 1000;

/** One store's settings: what it is, "Sync products" with its progress, its health, and
 * disconnecting it (after confirming). Buttons only for the roles the API lets do it. */
export function StoreSettingsPage() {
  const { api, t, date, can, role } = useApp();
  const { storeId = "" } = useParams();
  const location = useLocation();
  const { data: store, error, reload, setData } = useLoad(() => api.get<Store>(`/stores/${storeId}`), [storeId]);
  const form = useProblem();
  // the live health check may find what the store's status does not say yet (a webhook
  // subscription missing, webhooks set aside): the badge then says so too
  const [checkedAttention, setCheckedAttention] = useState(false);
  if (!store) return <LoadError error={error} retry={reload} />;
  const active = store.status !== "disconnected";

  const back = role === "operator" ? `/console/clients/${store.client_id}/stores` : "/console/stores";
  async function disconnect() {
    const done = await form.run(() => api.send<Store>("POST", `/stores/${storeId}/disconnect`));
    if (done) setData(done);
  }
  return (
    <>
      <p>
        <Link to={back}>{t("store.back")}</Link>
      </p>
      <PageTitle
        actions={
          can.manageStores && active ? (
            <ConfirmButton danger label={t("store.disconnect")} question={t("store.disconnectConfirm", { name: store.name })} onConfirm={disconnect} />
          ) : undefined
        }
      >
        {store.name} <StoreStatusBadge status={shownStatus(store.status, checkedAttention)} />
      </PageTitle>
      {(location.state as { connected?: boolean } | null)?.connected && <Notice>{t("store.connected")}</Notice>}
      <FormError message={form.errors[""] ?? Object.values(form.errors)[0]} />
      {store.status === "disconnected" && <p className="alert alert-warn">{t("store.disconnected")}</p>}
      <AttentionBanner store={store} canRepair={can.manageStores} />
      <dl className="panel details">
        <dt>{t("stores.platform")}</dt>
        <dd>{platformName(t, store.platform)}</dd>
        {store.shop_url && (
          <>
            <dt>{t("store.shopUrl")}</dt>
            <dd>{store.shop_url}</dd>
          </>
        )}
        {store.currency && (
          <>
            <dt>{t("store.currency")}</dt>
            <dd>{store.currency}</dd>
          </>
        )}
        <dt>{t("stores.added")}</dt>
        <dd>{date(store.created_at)}</dd>
        {store.test_mode && (
          <>
            <dt>{t("stores.testMode")}</dt>
            <dd>{t("store.yes")}</dd>
          </>
        )}
      </dl>
      {store.platform !== "manual" && (
        <p>
          <Link className="button secondary" to={`/console/stores/${storeId}/products`}>
            {t("mapping.toProducts")}
          </Link>
        </p>
      )}
      {store.platform === "manual" && store.status === "connected" && can.manageOrders && <ManualOrderActions storeId={storeId} />}
      {store.platform !== "manual" && store.status === "connected" && <ProductSync storeId={storeId} canSync={can.manageStores} />}
      {store.platform !== "manual" && active && (
        <StoreHealth storeId={storeId} platform={store.platform} canManage={can.manageStores} onChecked={(health) => setCheckedAttention(health.needs_attention)} />
      )}
    </>
  );
}

function ProductSync({ storeId, canSync }: { storeId: string; canSync: boolean }) {
  const { api, t, date, number } = useApp();
  const [sync, setSync] = useState<Sync | null>(null);
  const left = useRef(false);
  const form = useProblem();
  useEffect(() => {
    left.current = false;
    // the latest sync, and follow it when it is still under way (a reload keeps the progress)
    api.get<Sync[]>(`/stores/${storeId}/syncs`).then(
      (syncs) => {
        const latest = syncs[0];
        if (latest && !left.current) void follow(latest);
      },
      () => undefined,
    );
    return () => {
      left.current = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, storeId]);
  async function follow(first: Sync) {
    await followSync(
      first,
      () => api.get<Sync>(`/stores/${storeId}/syncs/${first.id}`),
      (next) => !left.current && setSync(next),
      () => new Promise((resolve) => window.setTimeout(resolve, POLL_MS)),
      () => left.current,
    );
  }
  async function start() {
    const started = await form.run(() => api.send<Sync>("POST", `/stores/${storeId}/syncs`, { full: false }));
    if (started) await form.run(() => follow(started));
  }
  const running = sync !== null && !syncFinished(sync);
  const percent = sync ? syncPercent(sync) : null;
  return (
    <section className="panel" aria-labelledby="sync-title">
      <h2 id="sync-title">{t("sync.title")}</h2>
      <p className="hint">{t("sync.lead")}</p>
      <FormError message={form.errors[""] ?? Object.values(form.errors)[0]} />
      {sync && (
        <div className="sync" data-testid="sync">
          <label htmlFor={`sync-${sync.id}`}>
            {running ? t("sync.running") : sync.status === "succeeded" ? t("sync.succeeded") : t("sync.failed")}
          </label>
          <progress id={`sync-${sync.id}`} max={100} value={percent ?? undefined} aria-valuetext={sync.total === null ? t("sync.counting") : t("sync.progress", { done: number(sync.done), total: number(sync.total) })} />
          <p data-testid="sync-progress">
            {sync.total === null ? t("sync.counting") : t("sync.progress", { done: number(sync.done), total: number(sync.total) })}
            {!running && sync.status === "succeeded" && ` · ${t("sync.result", { changed: number(sync.changed), removed: number(sync.removed) })}`}
          </p>
          {sync.status === "failed" && <p className="field-error">{sync.error_detail ?? sync.error}</p>}
          <p className="hint">
            {t("sync.startedAt")} <time>{date(sync.started_at)}</time>
            {sync.finished_at && (
              <>
                {" · "}
                {t("sync.finishedAt")} <time>{date(sync.finished_at)}</time>
              </>
            )}
          </p>
        </div>
      )}
      {canSync && (
        <button type="button" className="button" disabled={running} onClick={() => void start()}>
          {t("sync.start")}
        </button>
      )}
    </section>
  );
}

function StoreHealth({
  storeId,
  platform,
  canManage,
  onChecked,
}: {
  storeId: string;
  platform: string;
  canManage: boolean;
  onChecked: (health: Health) => void;
}) {
  const { api, t, date } = useApp();
  const { data: health, error, reload } = useLoad(() => api.get<Health>(`/stores/${storeId}/health`), [storeId]);
  useEffect(() => {
    if (health) onChecked(health);
  }, [health]); // once per check, not per render of the parent
  const yesNo = (value: boolean | null) => (value === null ? t("health.unknown") : value ? t("health.ok") : t("health.bad"));
  return (
    <section className="panel" aria-labelledby="health-title">
      <h2 id="health-title">{t("health.title")}</h2>
      <LoadError error={error} retry={reload} />
      {!health && !error && <p role="status">{t("health.checking")}</p>}
      {health && (
        <>
          {health.problems.length === 0 ? (
            <p className="alert alert-ok">{t("health.allGood")}</p>
          ) : (
            <ul className="alert alert-warn problems" aria-label={t("health.problems")}>
              {health.problems.map((problem) => (
                <li key={problem.code}>{problem.message}</li>
              ))}
            </ul>
          )}
          <dl className="details">
            <dt>{t("health.credentials")}</dt>
            <dd>{yesNo(health.credentials_valid)}</dd>
            <dt>{t("health.webhooks")}</dt>
            <dd>
              {health.webhooks_registered === null
                ? t("health.unknown")
                : health.webhooks_missing.length === 0
                  ? t("health.webhooksAll", { count: health.webhooks_expected.length })
                  : t("health.webhooksMissing", { missing: health.webhooks_missing.join(", ") })}
            </dd>
            <dt>{t("health.lastWebhook")}</dt>
            <dd>{health.last_webhook_at ? date(health.last_webhook_at) : t("health.never")}</dd>
            <dt>{t("health.lastSync")}</dt>
            <dd>{health.last_sync ? `${date(health.last_sync.finished_at ?? health.last_sync.started_at)} (${t(`sync.status.${health.last_sync.status === "succeeded" ? "succeeded" : health.last_sync.status === "running" ? "running" : "failed"}`)})` : t("health.never")}</dd>
            {health.last_error && (
              <>
                <dt>{t("health.lastError")}</dt>
                <dd>
                  {health.last_error.message} {health.last_error_at && <time>({date(health.last_error_at)})</time>}
                </dd>
              </>
            )}
          </dl>
          <button type="button" className="button secondary" onClick={reload}>
            {t("health.again")}
          </button>
          <ParkedWebhooks storeId={storeId} canRetry={canManage} onRetried={reload} />
          {RECONCILED_PLATFORMS.includes(platform) && <ReconciliationStatus storeId={storeId} health={health} canReconcile={canManage} onReconciled={reload} />}
        </>
      )}
    </section>
  );
}
