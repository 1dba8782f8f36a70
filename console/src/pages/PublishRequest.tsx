import { useEffect } from "react";
import { Link, useParams } from "react-router-dom";
import type { PublishRequest } from "../api/mapping-types";
import { useApp } from "../app";
import type { MessageKey } from "../i18n/messages";
import { mayChangeMappings } from "../mapping/logic";
import { publishFailureOf, publishFinished, shopWords } from "../mapping/publishing";
import { Badge, LoadError, PageTitle, useLoad } from "../ui/components";
import { productPath } from "./StoreProducts";

const POLL_MS = 1000;

/** Where a publish request stands, followed until the shop answers: pending, then published
 * (the product's mapping a link away) or failed with the reason in the reader's language. */
export function PublishRequestPage() {
  const { api, t, role, date } = useApp();
  const { storeId = "", requestId = "" } = useParams();
  const { data, error, reload } = useLoad(() => api.get<PublishRequest>(`/stores/${storeId}/publish-requests/${requestId}`), [storeId, requestId]);
  const waiting = data !== null && !publishFinished(data);
  useEffect(() => {
    if (!waiting) return;
    const timer = window.setTimeout(reload, POLL_MS);
    return () => window.clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data, waiting]);
  const back = `/console/stores/${storeId}/products`;
  if (!data) return <LoadError error={error} retry={reload} />;
  const tone = data.status === "published" ? "ok" : data.status === "failed" ? "bad" : "warn";
  const words = shopWords(data);
  return (
    <>
      <p>
        <Link to={back}>{t("publish.request.back")}</Link>
      </p>
      <PageTitle>{t("publish.request.title", { product: data.title })}</PageTitle>
      <dl className="details">
        <dt>{t("publish.request.state")}</dt>
        <dd data-testid="publish-state">
          <Badge tone={tone}>{t(`publish.request.state.${data.status}` as MessageKey)}</Badge>
        </dd>
        <dt>{t("publish.request.created")}</dt>
        <dd>{date(data.created_at)}</dd>
      </dl>
      <div role="status" aria-live="polite" data-testid="publish-status">
        {data.status === "requested" && <p className="alert alert-info">{t("publish.request.requested")}</p>}
        {data.status === "published" && <p className="alert alert-ok">{t("publish.request.published")}</p>}
        {data.status === "failed" && (
          <div className="alert alert-error">
            <p>{t("publish.request.failed", { reason: t(`publish.failure.${publishFailureOf(data)}` as MessageKey) })}</p>
            {words && <p>{t("publish.request.shopSaid", { detail: words })}</p>}
          </div>
        )}
      </div>
      <p className="actions">
        {data.status === "published" && data.platform_product_id && (
          <Link className="button" to={productPath(storeId, data.platform_product_id)}>
            {t("publish.request.openProduct")}
          </Link>
        )}
        {data.status === "published" && data.product_url && (
          <a className="button secondary" href={data.product_url} target="_blank" rel="noreferrer">
            {t("publish.request.inShop")}
          </a>
        )}
        {publishFinished(data) && mayChangeMappings(role) && (
          <Link className="button secondary" to={`/console/stores/${storeId}/create-product`}>
            {t("publish.request.again")}
          </Link>
        )}
      </p>
    </>
  );
}
