import { useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router-dom";
import { query } from "../api/http";
import type { Install, PresseroConnected, Store } from "../api/types";
import { useApp } from "../app";
import { isPlatform, PLATFORMS, shopifyShop, type Platform } from "../stores/logic";
import { Field, FormError, PageTitle, useProblem } from "../ui/components";
import { platformName } from "./Stores";

/** "Connect a store": the platform first, then what that platform needs. An operator connects
 * on behalf of the client named by ?client=. */
export function ConnectStorePage() {
  const { t } = useApp();
  const [params, setParams] = useSearchParams();
  const clientId = params.get("client") ?? undefined;
  const chosen = params.get("platform");
  const platform: Platform | null = isPlatform(chosen) ? chosen : null;
  const back = clientId ? `/console/clients/${clientId}/stores` : "/console/stores";
  const choose = (next: Platform | null) => setParams(next ? { ...(clientId ? { client: clientId } : {}), platform: next } : clientId ? { client: clientId } : {});
  return (
    <>
      <PageTitle>{platform ? t("connect.titleOf", { platform: platformName(t, platform) }) : t("stores.connect")}</PageTitle>
      <p>
        <Link to={platform ? `/console/stores/connect${query({ client: clientId })}` : back} onClick={platform ? (e) => (e.preventDefault(), choose(null)) : undefined}>
          {platform ? t("connect.otherPlatform") : t("connect.back")}
        </Link>
      </p>
      {!platform && (
        <fieldset className="panel platforms">
          <legend>{t("connect.choose")}</legend>
          <ul className="choices">
            {PLATFORMS.map((name) => (
              <li key={name}>
                <button type="button" className="button secondary choice" onClick={() => choose(name)}>
                  <strong>{platformName(t, name)}</strong>
                  <span>{t(`connect.about.${name}`)}</span>
                </button>
              </li>
            ))}
          </ul>
        </fieldset>
      )}
      {platform === "manual" && <ManualForm clientId={clientId} />}
      {platform === "woocommerce" && <WooCommerceForm clientId={clientId} />}
      {platform === "shopify" && <ShopifyForm clientId={clientId} />}
      {platform === "etsy" && <EtsyForm clientId={clientId} />}
      {platform === "pressero" && <PresseroForm clientId={clientId} />}
    </>
  );
}

function useOpenStore() {
  const navigate = useNavigate();
  return (store: Store) => navigate(`/console/stores/${store.id}`, { state: { connected: true } });
}

function ManualForm({ clientId }: { clientId?: string }) {
  const { api, t } = useApp();
  const [name, setName] = useState("");
  const form = useProblem();
  const open = useOpenStore();
  async function submit(event: FormEvent) {
    event.preventDefault();
    const store = await form.run(() => api.send<Store>("POST", "/stores/manual", { name, client_id: clientId }));
    if (store) open(store);
  }
  return (
    <form onSubmit={submit} noValidate className="panel narrow">
      <p className="hint">{t("connect.manual.lead")}</p>
      <FormError message={form.errors[""]} />
      <Field label={t("connect.storeName")} name="name" value={name} onChange={setName} error={form.errors.name} required maxLength={200} />
      <button type="submit" className="button">
        {t("connect.manual.submit")}
      </button>
    </form>
  );
}

function WooCommerceForm({ clientId }: { clientId?: string }) {
  const { api, t } = useApp();
  const [shopUrl, setShopUrl] = useState("");
  const [key, setKey] = useState("");
  const [secret, setSecret] = useState("");
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const form = useProblem();
  const open = useOpenStore();
  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      const body = { shop_url: shopUrl, consumer_key: key.trim(), consumer_secret: secret.trim(), name: name.trim() || undefined, client_id: clientId };
      const store = await form.run(() => api.send<Store>("POST", "/stores/woocommerce", body));
      if (store) open(store);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form onSubmit={submit} noValidate className="panel narrow" aria-busy={busy}>
      <p className="hint">{t("connect.woo.lead")}</p>
      <FormError message={form.errors[""]} />
      <Field label={t("connect.woo.shopUrl")} name="shop_url" type="url" value={shopUrl} onChange={setShopUrl} hint={t("connect.woo.shopUrlHint")} error={form.errors.shop_url} required autoComplete="url" />
      <Field label={t("connect.woo.key")} name="consumer_key" value={key} onChange={setKey} hint={t("connect.woo.keyHint")} error={form.errors.consumer_key} required autoComplete="off" />
      <Field label={t("connect.woo.secret")} name="consumer_secret" type="password" value={secret} onChange={setSecret} error={form.errors.consumer_secret} required autoComplete="off" />
      <Field label={t("connect.storeName")} name="name" value={name} onChange={setName} error={form.errors.name} optional maxLength={200} />
      <button type="submit" className="button" disabled={busy}>
        {busy ? t("connect.woo.checking") : t("connect.woo.submit")}
      </button>
    </form>
  );
}

function ShopifyForm({ clientId }: { clientId?: string }) {
  const { api, t } = useApp();
  const [shop, setShop] = useState("");
  const form = useProblem();
  async function submit(event: FormEvent) {
    event.preventDefault();
    const install = await form.run(() => api.send<Install>("POST", "/stores/shopify/install", { shop: shopifyShop(shop), client_id: clientId }));
    if (install) window.location.assign(install.authorize_url); // Shopify asks the merchant, then comes back
  }
  return (
    <form onSubmit={submit} noValidate className="panel narrow">
      <p className="hint">{t("connect.shopify.lead")}</p>
      <FormError message={form.errors[""]} />
      <Field label={t("connect.shopify.shop")} name="shop" value={shop} onChange={setShop} hint={t("connect.shopify.shopHint")} error={form.errors.shop} required />
      <button type="submit" className="button">
        {t("connect.shopify.submit")}
      </button>
    </form>
  );
}

function EtsyForm({ clientId }: { clientId?: string }) {
  const { api, t } = useApp();
  const form = useProblem();
  async function go() {
    const install = await form.run(() => api.send<Install>("POST", "/stores/etsy/connect", { client_id: clientId }));
    if (install) window.location.assign(install.authorize_url);
  }
  return (
    <div className="panel narrow">
      <p className="hint">{t("connect.etsy.lead")}</p>
      <FormError message={form.errors[""] ?? Object.values(form.errors)[0]} />
      <button type="button" className="button" onClick={() => void go()}>
        {t("connect.etsy.submit")}
      </button>
    </div>
  );
}

function PresseroForm({ clientId }: { clientId?: string }) {
  const { api, t } = useApp();
  const [name, setName] = useState("");
  const [attributes, setAttributes] = useState("");
  const [connected, setConnected] = useState<PresseroConnected | null>(null);
  const form = useProblem();
  async function submit(event: FormEvent) {
    event.preventDefault();
    const line_attributes = attributes.split(",").map((a) => a.trim()).filter(Boolean);
    const answer = await form.run(() => api.send<PresseroConnected>("POST", "/stores/pressero", { name: name.trim() || undefined, line_attributes, client_id: clientId }));
    if (answer) setConnected(answer);
  }
  if (connected)
    return (
      <section className="panel" aria-labelledby="pressero-done">
        <h2 id="pressero-done">{t("connect.pressero.done")}</h2>
        <p className="alert alert-warn">{t("connect.pressero.once")}</p>
        <dl className="details">
          <dt>{t("connect.pressero.webhookUrl")}</dt>
          <dd>
            <code data-testid="pressero-webhook-url">{connected.webhook_url}</code>
          </dd>
          <dt>{t("connect.pressero.securityKey")}</dt>
          <dd>
            <code data-testid="pressero-security-key">{connected.security_key}</code>
          </dd>
          <dt>{t("connect.pressero.integrationId")}</dt>
          <dd>{connected.integration_id}</dd>
        </dl>
        <p>{t("connect.pressero.where")}</p>
        <Link className="button" to={`/console/stores/${connected.store.id}`}>
          {t("connect.pressero.openStore")}
        </Link>
      </section>
    );
  return (
    <form onSubmit={submit} noValidate className="panel narrow">
      <p className="hint">{t("connect.pressero.lead")}</p>
      <FormError message={form.errors[""]} />
      <Field label={t("connect.storeName")} name="name" value={name} onChange={setName} error={form.errors.name} optional maxLength={200} />
      <Field label={t("connect.pressero.attributes")} name="line_attributes" value={attributes} onChange={setAttributes} hint={t("connect.pressero.attributesHint")} error={form.errors.line_attributes} optional />
      <button type="submit" className="button">
        {t("connect.pressero.submit")}
      </button>
    </form>
  );
}
