import { useEffect, useId, useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { ApiError } from "../api/problems";
import type { DryRun, OrderPolicy, OrderPolicyChange, Problem } from "../api/types";
import { useApp } from "../app";
import type { MessageKey } from "../i18n/messages";
import { nestedFieldErrors, rulesBody, rulesForm, type RulesForm } from "../orders/manual";
import { Field, FormError, LoadError, Notice, useLoad } from "../ui/components";
import { HoldSaid } from "./OrderExtras";

const APPROVALS = ["immediate", "delay", "manual"] as const;
type Approval = (typeof APPROVALS)[number];

/** A client's approval setting and hold rules (operators, as order intake allows): how resolved
 * orders go to production, the rules that hold some first, and the dry run that says which of the
 * client's recent orders the rules in the form would have held, before they are saved. */
export function OrderRulesPanel({ clientId }: { clientId: string }) {
  const { api, t, date } = useApp();
  const { data: policy, error, reload, setData } = useLoad(() => api.get<OrderPolicy>(`/order-policies/${clientId}`), [clientId]);
  const [approval, setApproval] = useState<Approval>("immediate");
  const [delay, setDelay] = useState("0");
  const [rules, setRules] = useState<RulesForm>({ firstOrderOfNewStore: false, maxTotal: "", maxQuantity: "", countries: "" });
  const [problem, setProblem] = useState<Problem | null>(null);
  const [saved, setSaved] = useState(false);
  const [dryRun, setDryRun] = useState<DryRun | null>(null);
  const [busy, setBusy] = useState(false);
  const groupId = useId();

  useEffect(() => {
    if (!policy) return;
    setApproval(policy.approval);
    setDelay(String(policy.delay_minutes));
    setRules(rulesForm(policy.rules));
  }, [policy]);

  if (!policy) return <LoadError error={error} retry={reload} />;
  const errors = nestedFieldErrors(problem);
  const ruleError = (name: string) => errors[`rules.${name}`] ?? errors[name];
  const general = errors[""] ?? Object.entries(errors).find(([name]) => !/^(rules\.)?(max_total|max_quantity|countries|first_order_of_new_store)$/.test(name) && name !== "delay_minutes" && name !== "approval")?.[1];

  async function call<T>(run: () => Promise<T>): Promise<T | undefined> {
    setProblem(null);
    setSaved(false);
    setBusy(true);
    try {
      return await run();
    } catch (e) {
      if (e instanceof ApiError) setProblem(e.problem);
      else throw e;
      return undefined;
    } finally {
      setBusy(false);
    }
  }
  async function save(event: FormEvent) {
    event.preventDefault();
    const delayMinutes = /^\d+$/.test(delay.trim()) ? Number(delay.trim()) : (delay as unknown as number);
    const body: OrderPolicyChange = { approval, delay_minutes: approval === "delay" ? delayMinutes : 0, rules: rulesBody(rules) };
    const done = await call(() => api.send<OrderPolicy>("PUT", `/order-policies/${clientId}`, body));
    if (done) {
      setData(done);
      setSaved(true);
    }
  }
  async function tryRules() {
    setDryRun(null);
    const result = await call(() => api.send<DryRun>("POST", `/order-policies/${clientId}/dry-run`, rulesBody(rules)));
    if (result) setDryRun(result);
  }

  return (
    <section className="panel" aria-labelledby="rules-title">
      <h2 id="rules-title">{t("rules.title")}</h2>
      {saved && <Notice>{t("rules.saved")}</Notice>}
      <FormError message={general} />
      <form onSubmit={save} noValidate>
        <fieldset className="checks">
          <legend id={groupId}>{t("rules.approval")}</legend>
          {APPROVALS.map((value) => (
            <label key={value} className="check">
              <input type="radio" name="approval" value={value} checked={approval === value} onChange={() => setApproval(value)} />
              {t(`rules.approval.${value}` as MessageKey)}
            </label>
          ))}
        </fieldset>
        {approval === "delay" && (
          <div className="narrow">
            <Field label={t("rules.delayMinutes")} name="delay_minutes" type="number" value={delay} onChange={setDelay} hint={t("rules.delayHint")} error={errors.delay_minutes} required />
          </div>
        )}
        <fieldset className="checks">
          <legend>{t("rules.holdRules")}</legend>
          <p className="hint">{t("rules.holdLead")}</p>
          <label className="check">
            <input type="checkbox" name="first_order_of_new_store" checked={rules.firstOrderOfNewStore} onChange={(e) => setRules((r) => ({ ...r, firstOrderOfNewStore: e.target.checked }))} />
            {t("rules.firstOrder")}
          </label>
          <div className="narrow">
            <Field label={t("rules.maxTotal")} name="max_total" value={rules.maxTotal} onChange={(maxTotal) => setRules((r) => ({ ...r, maxTotal }))} hint={t("rules.maxTotalHint")} error={ruleError("max_total")} optional />
            <Field label={t("rules.maxQuantity")} name="max_quantity" value={rules.maxQuantity} onChange={(maxQuantity) => setRules((r) => ({ ...r, maxQuantity }))} hint={t("rules.maxQuantityHint")} error={ruleError("max_quantity")} optional />
            <Field label={t("rules.countries")} name="countries" value={rules.countries} onChange={(countries) => setRules((r) => ({ ...r, countries }))} hint={t("rules.countriesHint")} error={ruleError("countries")} optional />
          </div>
        </fieldset>
        <div className="actions">
          <button type="button" className="button secondary" disabled={busy} onClick={() => void tryRules()}>
            {t("rules.dryRun")}
          </button>
          <button type="submit" className="button" disabled={busy}>
            {t("rules.save")}
          </button>
        </div>
        {policy.updated_at && <p className="hint">{t("rules.updated", { at: date(policy.updated_at), by: policy.updated_by_name ?? policy.updated_by ?? "—" })}</p>}
      </form>
      {dryRun && <DryRunResult result={dryRun} />}
    </section>
  );
}

function DryRunResult({ result }: { result: DryRun }) {
  const { t, date, number } = useApp();
  return (
    <div className="dry-run" role="status" aria-live="polite">
      <h3>{t("rules.dryRunTitle")}</h3>
      <p data-testid="dry-run-summary">{result.would_hold.length === 0 ? t("rules.dryRunNone", { tried: number(result.orders_tried) }) : t("rules.dryRunSome", { held: number(result.would_hold.length), tried: number(result.orders_tried) })}</p>
      {result.would_hold.length > 0 && (
        <table>
          <caption className="visually-hidden">{t("rules.dryRunTitle")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("orders.number")}</th>
              <th scope="col">{t("orders.received")}</th>
              <th scope="col">{t("rules.heldBy")}</th>
            </tr>
          </thead>
          <tbody>
            {result.would_hold.map((order) => (
              <tr key={order.order_id}>
                <td>
                  <Link to={`/console/orders/${order.order_id}`}>{order.order_number ?? order.order_id}</Link>
                </td>
                <td>{date(order.received_at)}</td>
                <td>
                  <ul className="plain">
                    {order.holds.map((hold, index) => (
                      <li key={index}>
                        <HoldSaid hold={hold} />
                      </li>
                    ))}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
