import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { Link, useParams } from "react-router-dom";
import type { ImportJob } from "../api/mapping-types";
import { ApiError } from "../api/problems";
import type { Store } from "../api/types";
import { useApp } from "../app";
import { download, upload } from "../mapping/files";
import { importFinished, importPercent, mayChangeMappings } from "../mapping/logic";
import { FormError, PageTitle, useLoad } from "../ui/components";

const POLL_MS = 1000;

/** The store page's bulk operations: export the store's variants as CSV; import the filled file
 * (optionally all or nothing) as a job, followed until done with its progress, then its report
 * of each refused row by line and column. */
export function BulkMappingPage() {
  const { api, t, role, session, locale } = useApp();
  const { storeId = "" } = useParams();
  const canMap = mayChangeMappings(role);
  const store = useLoad(() => api.get<Store>(`/stores/${storeId}`), [storeId]);
  const [error, setError] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);

  async function exportProducts() {
    setError(null);
    setExporting(true);
    try {
      await download(session, locale, `/stores/${storeId}/products/export`, `store-${storeId}-products.csv`);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      setError(e.problem.detail ?? e.problem.title);
    } finally {
      setExporting(false);
    }
  }

  return (
    <>
      <p>
        <Link to={`/console/stores/${storeId}/products`}>{t("mapping.connect.back")}</Link>
      </p>
      <PageTitle>{t("mapping.bulk.title", { store: store.data?.name ?? "" })}</PageTitle>
      <section className="panel mapping-panel" aria-labelledby="export-title">
        <h2 id="export-title">{t("mapping.bulk.exportTitle")}</h2>
        <p className="hint">{t("mapping.bulk.exportLead")}</p>
        <FormError message={error ?? undefined} />
        <button type="button" className="button secondary" disabled={exporting} onClick={() => void exportProducts()}>
          {t("mapping.bulk.export")}
        </button>
      </section>
      {canMap && <ImportPanel storeId={storeId} />}
    </>
  );
}

function ImportPanel({ storeId }: { storeId: string }) {
  const { api, t, number, session, locale } = useApp();
  const fileId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [allOrNothing, setAllOrNothing] = useState(false);
  const [job, setJob] = useState<ImportJob | null>(null);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<{ message: string; field: boolean } | null>(null);
  const left = useRef(false);
  useEffect(() => {
    left.current = false;
    return () => {
      left.current = true;
    };
  }, []);

  async function follow(first: ImportJob) {
    let current = first;
    setJob(current);
    while (!importFinished(current) && !left.current) {
      await new Promise((resolve) => window.setTimeout(resolve, POLL_MS));
      current = await api.get<ImportJob>(`/stores/${storeId}/product-imports/${current.job_id}`);
      if (!left.current) setJob(current);
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    if (!file) {
      setError({ message: t("mapping.bulk.noFile"), field: true });
      return;
    }
    setJob(null);
    setSending(true);
    try {
      const started = await upload<ImportJob>(session, locale, `/stores/${storeId}/products/import${allOrNothing ? "?all_or_nothing=true" : ""}`, file);
      setSending(false);
      await follow(started);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      setError({ message: e.problem.detail ?? e.problem.title, field: e.status === 422 || e.status === 413 });
    } finally {
      setSending(false);
    }
  }

  const running = sending || (job !== null && !importFinished(job));
  const percent = job ? importPercent(job) : null;
  const progressText = job ? (job.total_rows > 0 || importFinished(job) ? t("mapping.bulk.progress", { checked: number(job.checked_rows), total: number(job.total_rows) }) : t("mapping.bulk.counting")) : t("mapping.bulk.sending");
  return (
    <section className="panel mapping-panel" aria-labelledby="import-title">
      <h2 id="import-title">{t("mapping.bulk.importTitle")}</h2>
      <p className="hint">{t("mapping.bulk.importLead")}</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div className={`field${error?.field ? " field-invalid" : ""}`}>
          <label htmlFor={fileId}>{t("mapping.bulk.file")}</label>
          <input
            id={fileId}
            type="file"
            accept=".csv,text/csv"
            aria-invalid={error?.field ? true : undefined}
            aria-describedby={error?.field ? `${fileId}-error` : undefined}
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
          {error?.field && (
            <p className="field-error" id={`${fileId}-error`} data-field-error="file">
              {error.message}
            </p>
          )}
        </div>
        {error && !error.field && <FormError message={error.message} />}
        <label className="check">
          <input type="checkbox" checked={allOrNothing} onChange={(e) => setAllOrNothing(e.target.checked)} />
          {t("mapping.bulk.allOrNothing")}
        </label>
        <div className="actions">
          <button type="submit" className="button" disabled={running}>
            {t("mapping.bulk.import")}
          </button>
        </div>
      </form>
      {(sending || job) && (
        <div className="sync" data-testid="import">
          <label htmlFor={`${fileId}-progress`}>{job && importFinished(job) ? (job.status === "failed" ? t("mapping.bulk.failedTitle") : t("mapping.bulk.finished")) : t("mapping.bulk.running")}</label>
          <progress id={`${fileId}-progress`} max={100} value={percent ?? undefined} aria-valuetext={progressText} />
          <p data-testid="import-progress" role="status">
            {progressText}
          </p>
          {job && job.status === "done" && (
            <p className={job.refused ? "alert alert-warn" : "alert alert-ok"} data-testid="import-result">
              {job.all_or_nothing && job.refused > 0
                ? t("mapping.bulk.resultNothing", { refused: number(job.refused) })
                : t("mapping.bulk.result", { applied: number(job.applied), unchanged: number(job.unchanged), refused: number(job.refused) })}
            </p>
          )}
          {job?.status === "failed" && <p className="field-error">{job.failure}</p>}
          {job && job.errors.length > 0 && (
            <table className="import-report">
              <caption>{t("mapping.bulk.report")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("mapping.bulk.line")}</th>
                  <th scope="col">{t("mapping.bulk.column")}</th>
                  <th scope="col">{t("mapping.bulk.why")}</th>
                </tr>
              </thead>
              <tbody>
                {job.errors.map((row) => (
                  <tr key={`${row.line}-${row.column}-${row.code}`}>
                    <td className="number">{row.line}</td>
                    <td className="code">{row.column}</td>
                    <td>{row.detail}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </section>
  );
}
