import { Link, useParams } from "react-router-dom";
import { query } from "../api/http";
import type { ProductTemplate } from "../api/mapping-types";
import type { Store } from "../api/types";
import { useApp } from "../app";
import { mayChangeMappings } from "../mapping/logic";
import { EmptyState, LoadError, PageTitle, useLoad } from "../ui/components";

/** The client's product templates, from the store's products screen; a role that may publish
 * creates a product from one (the create form, filled in from it). */
export function TemplatesPage() {
  const { api, t, role, date } = useApp();
  const { storeId = "" } = useParams();
  const store = useLoad(() => api.get<Store>(`/stores/${storeId}`), [storeId]);
  const clientId = store.data?.client_id ?? "";
  const { data, error, reload } = useLoad<ProductTemplate[] | null>(
    () => (clientId ? api.get<ProductTemplate[]>(`/product-templates${query({ client_id: role === "operator" ? clientId : null })}`) : Promise.resolve(null)),
    [clientId, role],
  );
  const canPublish = mayChangeMappings(role);
  return (
    <>
      <p>
        <Link to={`/console/stores/${storeId}/products`}>{t("publish.back")}</Link>
      </p>
      <PageTitle
        actions={
          canPublish ? (
            <Link className="button" to={`/console/stores/${storeId}/create-product`}>
              {t("publish.create")}
            </Link>
          ) : undefined
        }
      >
        {t("templates.title")}
      </PageTitle>
      <p className="lead">{canPublish ? t("templates.lead") : t("templates.leadReadOnly")}</p>
      <LoadError error={error ?? store.error} retry={reload} />
      {data && data.length === 0 && <EmptyState>{t("templates.empty")}</EmptyState>}
      {data && data.length > 0 && (
        <table>
          <caption className="visually-hidden">{t("templates.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("templates.name")}</th>
              <th scope="col">{t("templates.product")}</th>
              <th scope="col">{t("templates.variants")}</th>
              <th scope="col">{t("templates.created")}</th>
              {canPublish && (
                <th scope="col">
                  <span className="visually-hidden">{t("templates.actions")}</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {data.map((template) => (
              <tr key={template.template_id}>
                <th scope="row">{template.name}</th>
                <td>{template.product.title}</td>
                <td>{template.product.variants.length}</td>
                <td>{date(template.created_at)}</td>
                {canPublish && (
                  <td>
                    <Link className="button small secondary" to={`/console/stores/${storeId}/create-product?template=${encodeURIComponent(template.template_id)}`}>
                      {t("templates.use")}
                      <span className="visually-hidden"> {template.name}</span>
                    </Link>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
