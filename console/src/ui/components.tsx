import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { ApiError, fieldErrors } from "../api/problems";
import type { Problem } from "../api/types";
import { useApp } from "../app";

/** A labelled input with its hint and the API's error for this field, tied by aria-describedby. */
export function Field(props: {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  type?: string;
  hint?: string;
  error?: string;
  required?: boolean;
  optional?: boolean;
  multiline?: boolean;
  autoComplete?: string;
  maxLength?: number;
}) {
  const { t } = useApp();
  const id = useId();
  const described = [props.hint ? `${id}-hint` : "", props.error ? `${id}-error` : ""].filter(Boolean).join(" ");
  const common = {
    id,
    name: props.name,
    value: props.value,
    required: props.required,
    maxLength: props.maxLength,
    "aria-invalid": props.error ? true : undefined,
    "aria-describedby": described || undefined,
  };
  return (
    <div className={`field${props.error ? " field-invalid" : ""}`}>
      <label htmlFor={id}>
        {props.label}
        {props.optional && <span className="optional"> ({t("common.optional")})</span>}
      </label>
      {props.multiline ? (
        <textarea {...common} rows={3} onChange={(e) => props.onChange(e.target.value)} />
      ) : (
        <input {...common} type={props.type ?? "text"} autoComplete={props.autoComplete} onChange={(e) => props.onChange(e.target.value)} />
      )}
      {props.hint && (
        <p className="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.error && (
        <p className="field-error" id={`${id}-error`} data-field-error={props.name}>
          {props.error}
        </p>
      )}
    </div>
  );
}

/** A form's API errors: per field, and what names none. */
export function useProblem() {
  const [problem, setProblem] = useState<Problem | null>(null);
  const errors = fieldErrors(problem);
  return {
    errors: problem ? errors : ({} as Record<string, string>),
    problem,
    clear: () => setProblem(null),
    /** Runs the call; an API error is kept for the form, anything else is re-thrown. */
    run: async <T,>(call: () => Promise<T>): Promise<T | undefined> => {
      setProblem(null);
      try {
        return await call();
      } catch (error) {
        if (error instanceof ApiError) {
          setProblem(error.problem);
          return undefined;
        }
        throw error;
      }
    },
  };
}

export function FormError({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <div className="alert alert-error" role="alert">
      {message}
    </div>
  );
}

/** An outcome to read: "ok" (done as asked), "warn" (done, but not all of it went through),
 * "info" (under way). */
export function Notice({ children, tone = "ok" }: { children: ReactNode; tone?: "ok" | "warn" | "info" }) {
  return (
    <div className={`alert alert-${tone}`} role="status" data-tone={tone}>
      {children}
    </div>
  );
}

export function EmptyState({ children, action }: { children: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty">
      <p>{children}</p>
      {action}
    </div>
  );
}

export function Badge({ tone, children }: { tone: "ok" | "warn" | "bad" | "muted"; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

/** A button that asks before a destructive action, in a modal dialog (Escape cancels). */
export function ConfirmButton(props: {
  label: string;
  question: string;
  onConfirm: () => Promise<void> | void;
  danger?: boolean;
  className?: string;
  /** Rendered as an on/off switch (role="switch", checked) named by this element's id. */
  switchOf?: { labelledBy: string; text: string };
}) {
  const { t } = useApp();
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const titleId = useId();
  return (
    <>
      {props.switchOf ? (
        <button type="button" role="switch" aria-checked="true" aria-labelledby={props.switchOf.labelledBy} className="switch on" onClick={() => dialog.current?.showModal()}>
          {props.switchOf.text}
        </button>
      ) : (
        <button type="button" className={props.className ?? (props.danger ? "button danger" : "button secondary")} onClick={() => dialog.current?.showModal()}>
          {props.label}
        </button>
      )}
      <dialog ref={dialog} aria-labelledby={titleId} className="confirm">
        <h2 id={titleId}>{t("confirm.title")}</h2>
        <p>{props.question}</p>
        <div className="actions">
          <button type="button" className="button secondary" onClick={() => dialog.current?.close()}>
            {t("common.cancel")}
          </button>
          <button
            type="button"
            className={props.danger ? "button danger" : "button"}
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              try {
                await props.onConfirm();
              } finally {
                setBusy(false);
                dialog.current?.close();
              }
            }}
          >
            {props.label}
          </button>
        </div>
      </dialog>
    </>
  );
}

/** Loads data for a screen; `reload` runs it again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    load()
      .then((value) => live && (setData(value), setError(null)))
      .catch((e: unknown) => {
        if (!live) return;
        if (e instanceof ApiError) setError(e);
        else setError(new ApiError(0, { type: "about:blank", title: String(e), status: 0 }));
      });
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  return { data, error, reload: () => setTick((n) => n + 1), setData };
}

export function LoadError({ error, retry }: { error: ApiError | null; retry?: () => void }) {
  const { t } = useApp();
  if (!error) return null;
  return (
    <div className="alert alert-error" role="alert">
      {t("common.error", { detail: error.problem.detail ?? error.problem.title })}
      {retry && (
        <button type="button" className="button link" onClick={retry}>
          {t("common.retry")}
        </button>
      )}
    </div>
  );
}

export function PageTitle({ children, actions }: { children: ReactNode; actions?: ReactNode }) {
  return (
    <div className="page-title">
      <h1>{children}</h1>
      {actions && <div className="actions">{actions}</div>}
    </div>
  );
}
