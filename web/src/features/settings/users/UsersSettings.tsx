// UsersSettings: the workspace's people at a glance (role, teams,
// capacity, availability, open conversations), invitations (by link or
// mail, PendingInvitations.tsx), and the dialog that edits one person.
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { usePresence, useTeams, useUsers } from "../../../lib/directory";
import { useMe } from "../../../lib/session";
import { Avatar } from "../../../lib/ui/Avatar";
import { Button, Section } from "../../../lib/ui/form";
import type { Presence, Team, User } from "../../../lib/types";
import { InviteDialog } from "./InviteDialog";
import { EditUserDialog } from "./EditUserDialog";
import { PendingInvitations } from "./PendingInvitations";

const dot: Record<string, string> = { online: "bg-success", busy: "bg-warning", offline: "bg-muted" };

export function Availability({ presence }: { presence?: Presence }) {
  const { t } = useTranslation();
  const a = presence?.availability ?? "offline";
  return (
    <span className="inline-flex items-center gap-1.5" data-testid="user-availability" data-availability={a}>
      <span aria-hidden="true" className={"inline-block h-2 w-2 rounded-full " + (dot[a] ?? "bg-muted")} />
      {t(`users.availability.${a}`, { defaultValue: a })}
    </span>
  );
}

export default function UsersSettings() {
  const { t } = useTranslation();
  const me = useMe();
  const users = useUsers();
  const teams = useTeams();
  const presence = usePresence();
  const [inviting, setInviting] = useState(false);
  const [editing, setEditing] = useState<number | null>(null);
  const teamNames = useMemo(() => new Map((teams.data?.data ?? []).map((tm: Team) => [tm.id, tm.name])), [teams.data]);
  const presenceOf = useMemo(() => new Map((presence.data?.data ?? []).map((p: Presence) => [p.user_id, p])), [presence.data]);
  const list = users.data?.data ?? [];
  const editUser = list.find((u) => u.id === editing);

  return (
    <div data-testid="settings-users">
      <h1 className="mb-4 text-xl font-semibold">{t("settings.nav.users")}</h1>
      <Section
        title={t("users.people")}
        description={t("users.peopleHelp")}
        actions={
          <Button intent="primary" data-testid="invite-open" onClick={() => setInviting(true)}>
            {t("users.invite")}
          </Button>
        }
      >
        {users.isLoading ? (
          <div className="bg-hover h-24 animate-pulse rounded" />
        ) : (
          <table className="w-full text-sm" data-testid="users-table">
            <thead className="text-muted text-left text-xs">
              <tr>
                <th className="py-1 pr-2 font-medium">{t("users.col.name")}</th>
                <th className="py-1 pr-2 font-medium">{t("users.col.role")}</th>
                <th className="py-1 pr-2 font-medium">{t("users.col.teams")}</th>
                <th className="py-1 pr-2 font-medium">{t("users.col.availability")}</th>
                <th className="py-1 pr-2 text-right font-medium">{t("users.col.open")}</th>
                <th className="py-1 pr-2 text-right font-medium">{t("users.col.capacity")}</th>
                <th className="py-1" />
              </tr>
            </thead>
            <tbody>
              {list.map((u: User) => {
                const p = presenceOf.get(u.id);
                const off = !!u.deactivated_at;
                return (
                  <tr key={u.id} data-testid="user-row" data-user-id={u.id} className={"border-line border-t " + (off ? "text-muted" : "")}>
                    <td className="py-2 pr-2">
                      <div className="flex items-center gap-2">
                        <Avatar name={u.name} size={24} />
                        <div className="min-w-0">
                          <div className="truncate font-medium">
                            {u.name}
                            {u.id === me.user?.id && <span className="text-muted ml-1 text-xs">{t("users.you")}</span>}
                          </div>
                          <div className="text-muted truncate text-xs">{u.email}</div>
                        </div>
                      </div>
                    </td>
                    <td className="py-2 pr-2" data-testid="user-role">
                      {t(`users.roles.${u.role}`)}
                      {off && <span className="bg-hover ml-1 rounded px-1 text-xs">{t("users.deactivated")}</span>}
                    </td>
                    <td className="py-2 pr-2">{u.team_ids.map((id) => teamNames.get(id) ?? "#" + id).join(", ") || "—"}</td>
                    <td className="py-2 pr-2">{off ? "—" : <Availability presence={p} />}</td>
                    <td className="py-2 pr-2 text-right tabular-nums" data-testid="user-open">
                      {p?.open ?? 0}
                    </td>
                    <td className="py-2 pr-2 text-right tabular-nums">
                      {!p ? "—" : p.capacity === 0 ? t("users.unlimited") : p.capacity}
                      {p && p.capacity_override == null && <span className="text-muted ml-1 text-xs">({t("users.default")})</span>}
                    </td>
                    <td className="py-2 text-right">
                      <Button data-testid="user-edit" aria-label={t("users.editWho", { name: u.name })} onClick={() => setEditing(u.id)}>
                        {t("users.edit")}
                      </Button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </Section>
      <PendingInvitations teamNames={teamNames} userNames={new Map(list.map((u) => [u.id, u.name]))} />
      {inviting && <InviteDialog teams={teams.data?.data ?? []} onClose={() => setInviting(false)} />}
      {editUser && (
        <EditUserDialog
          user={editUser}
          presence={presenceOf.get(editUser.id)}
          teams={teams.data?.data ?? []}
          onClose={() => setEditing(null)}
        />
      )}
    </div>
  );
}
