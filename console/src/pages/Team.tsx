import { useState, type FormEvent } from "react";
import type { ClientRole, User, UserCreate, UserList } from "../api/types";
import { CLIENT_ROLES } from "../api/types";
import { useApp } from "../app";
import { isLastActiveAdmin } from "../auth/permissions";
import { Badge, ConfirmButton, EmptyState, Field, FormError, LoadError, Notice, PageTitle, useLoad, useProblem } from "../ui/components";

/** A client's Admin: the team, invitations, roles; the last-admin rule explained. */
export function TeamPage() {
  const { t, me } = useApp();
  return (
    <>
      <PageTitle>{t("team.title")}</PageTitle>
      <Team clientId={me?.client_id ?? ""} />
    </>
  );
}

/** A client's team: its Admin manages it; an operator sees it (the API lets only the Admin change it). */
export function Team({ clientId }: { clientId: string }) {
  const { api, t, can } = useApp();
  const { data, error, reload } = useLoad(() => api.get<UserList>(`/clients/${clientId}/users`), [clientId]);
  const [notice, setNotice] = useState<string | null>(null);
  const team = (data?.items ?? []).filter((user) => user.status !== "removed");
  return (
    <>
      {notice && <Notice>{notice}</Notice>}
      <LoadError error={error} retry={reload} />
      {data && team.length <= 1 && can.manageTeam && <EmptyState>{t("team.empty")}</EmptyState>}
      {data && team.length === 0 && !can.manageTeam && <EmptyState>{t("team.emptyOperator")}</EmptyState>}
      {data && team.length > 0 && <TeamTable team={team} clientId={clientId} onChange={reload} setNotice={setNotice} />}
      {can.manageTeam && <InviteForm clientId={clientId} onInvited={(email) => (setNotice(t("team.invited", { email })), reload())} />}
    </>
  );
}

function TeamTable(props: { team: User[]; clientId: string; onChange: () => void; setNotice: (text: string) => void }) {
  const { api, t, can, me } = useApp();
  const form = useProblem();
  const last = props.team.find((user) => isLastActiveAdmin(user, props.team));
  return (
    <>
      <FormError message={Object.values(form.errors)[0]} />
      {last && can.manageTeam && <p className="alert alert-info">{t("team.lastAdmin", { name: `${last.first_name} ${last.last_name}` })}</p>}
      <table>
        <caption className="visually-hidden">{t("team.title")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("team.name")}</th>
            <th scope="col">{t("team.email")}</th>
            <th scope="col">{t("team.role")}</th>
            <th scope="col">{t("team.status")}</th>
            {can.manageTeam && <th scope="col">{t("team.actions")}</th>}
          </tr>
        </thead>
        <tbody>
          {props.team.map((user) => {
            const name = `${user.first_name} ${user.last_name}`;
            const locked = isLastActiveAdmin(user, props.team);
            const status = user.invitation_status ?? user.status;
            return (
              <tr key={user.id}>
                <td>{name}</td>
                <td>{user.email}</td>
                <td>
                  {can.manageTeam && !locked && user.id !== me?.id ? (
                    <select
                      aria-label={t("team.changeRole", { name })}
                      value={user.role}
                      onChange={async (e) => {
                        await form.run(() => api.send("PATCH", `/clients/${props.clientId}/users/${user.id}`, { role: e.target.value as ClientRole }));
                        props.onChange(); // refused or not, show the team as the API has it
                      }}
                    >
                      {CLIENT_ROLES.map((role) => (
                        <option key={role} value={role}>
                          {t(`role.${role}`)}
                        </option>
                      ))}
                    </select>
                  ) : (
                    t(`role.${user.role as ClientRole}`)
                  )}
                </td>
                <td>
                  <Badge tone={status === "active" ? "ok" : status === "delivery_failed" ? "bad" : "warn"}>{t(`status.${status}` as "status.sent")}</Badge>
                </td>
                {can.manageTeam && (
                  <td>
                    <div className="row-actions">
                    {user.status !== "active" && (
                      <button
                        type="button"
                        className="button secondary small"
                        onClick={async () => {
                          await form.run(() => api.send("POST", `/clients/${props.clientId}/users/${user.id}/resend-invitation`));
                          props.setNotice(t("access.resent"));
                          props.onChange();
                        }}
                      >
                        {t("team.resend")}
                      </button>
                    )}
                    {!locked && user.id !== me?.id && (
                      <ConfirmButton
                        danger
                        className="button danger small"
                        label={t("team.remove")}
                        question={t("team.removeConfirm", { name })}
                        onConfirm={async () => {
                          await form.run(() => api.send("DELETE", `/clients/${props.clientId}/users/${user.id}`));
                          props.onChange();
                        }}
                      />
                    )}
                    </div>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

function InviteForm({ clientId, onInvited }: { clientId: string; onInvited: (email: string) => void }) {
  const { api, t, locale } = useApp();
  const [email, setEmail] = useState("");
  const [first, setFirst] = useState("");
  const [last, setLast] = useState("");
  const [role, setRole] = useState<ClientRole>("order_manager");
  const [stores, setStores] = useState("");
  const form = useProblem();
  async function submit(event: FormEvent) {
    event.preventDefault();
    const body: UserCreate = {
      email,
      first_name: first,
      last_name: last,
      role,
      locale,
      store_ids: role === "store_manager" ? stores.split(",").map((s) => s.trim()).filter(Boolean) : [],
    };
    const added = await form.run(() => api.send<User>("POST", `/clients/${clientId}/users`, body));
    if (added) {
      setEmail("");
      setFirst("");
      setLast("");
      setStores("");
      onInvited(added.email);
    }
  }
  const known = new Set(["email", "first_name", "last_name", "role", "store_ids"]);
  const other = Object.entries(form.errors).find(([field]) => !known.has(field))?.[1];
  return (
    <form className="panel narrow" onSubmit={submit} noValidate aria-labelledby="invite-title">
      <h2 id="invite-title">{t("team.invite")}</h2>
      <FormError message={other} />
      <Field label={t("team.email")} name="email" type="email" value={email} onChange={setEmail} error={form.errors.email} required />
      <Field label={t("team.first")} name="first_name" value={first} onChange={setFirst} error={form.errors.first_name} required />
      <Field label={t("team.last")} name="last_name" value={last} onChange={setLast} error={form.errors.last_name} required />
      <div className="field">
        <label htmlFor="invite-role">{t("team.role")}</label>
        <select id="invite-role" value={role} onChange={(e) => setRole(e.target.value as ClientRole)}>
          {CLIENT_ROLES.map((value) => (
            <option key={value} value={value}>
              {t(`role.${value}`)}
            </option>
          ))}
        </select>
        {form.errors.role && <p className="field-error">{form.errors.role}</p>}
      </div>
      {role === "store_manager" && <Field label={t("team.stores")} name="store_ids" value={stores} onChange={setStores} hint={t("team.storesHint")} error={form.errors.store_ids} />}
      <button type="submit" className="button">
        {t("team.inviteSubmit")}
      </button>
    </form>
  );
}
