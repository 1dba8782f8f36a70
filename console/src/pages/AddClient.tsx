import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router-dom";
import type { ClientCreate, ClientRecord } from "../api/types";
import { useApp } from "../app";
import { Field, FormError, PageTitle, useProblem } from "../ui/components";

/** Step 1 of the guide: name, reference ID and description, with the guide's hints. */
export function AddClientPage() {
  const { api, t } = useApp();
  const navigate = useNavigate();
  const [name, setName] = useState("");
  const [reference, setReference] = useState("");
  const [description, setDescription] = useState("");
  const [busy, setBusy] = useState(false);
  const form = useProblem();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    const body: ClientCreate = { name, reference_id: reference.trim() || null, description: description.trim() || null };
    const created = await form.run(() => api.send<ClientRecord>("POST", "/clients", body));
    setBusy(false);
    if (created) navigate(`/console/clients/${created.id}/settings`);
  }
  const known = new Set(["name", "reference_id", "description"]);
  const other = Object.entries(form.errors).find(([field]) => !known.has(field))?.[1];
  return (
    <>
      <PageTitle>{t("addClient.title")}</PageTitle>
      <form className="panel narrow" onSubmit={submit} noValidate>
        <FormError message={other} />
        <Field label={t("addClient.name")} name="name" value={name} onChange={setName} hint={t("addClient.nameHint")} error={form.errors.name} required maxLength={200} />
        <Field label={t("addClient.reference")} name="reference_id" value={reference} onChange={setReference} hint={t("addClient.referenceHint")} error={form.errors.reference_id} optional maxLength={64} />
        <Field label={t("addClient.description")} name="description" value={description} onChange={setDescription} hint={t("addClient.descriptionHint")} error={form.errors.description} optional multiline maxLength={2000} />
        <button type="submit" className="button" disabled={busy}>
          {t("addClient.submit")}
        </button>
      </form>
    </>
  );
}
