// The views: All, Mine, Unassigned, the person's teams (every team for
// those who see every conversation) and their saved views, each with its
// live count of open conversations.
import { NavLink } from "react-router";
import { useTranslation } from "react-i18next";
import { Inbox, User as UserIcon, UserX, Users, Bookmark } from "lucide-react";
import type { ReactNode } from "react";
import { useMe } from "../../../lib/session";
import { useCounts, useSavedViews, useTeams } from "./data";

function seesEveryTeam(role: string, perms: { see_all_conversations?: boolean } | undefined | null): boolean {
  return role === "owner" || !!perms?.see_all_conversations;
}

function ViewLink({ to, id, icon, label, count }: { to: string; id: string; icon: ReactNode; label: string; count?: number }) {
  return (
    <NavLink
      to={`/inbox/${to}`}
      className={({ isActive }) =>
        "flex items-center gap-2 rounded px-2 py-1 text-[13px] " +
        (isActive ? "bg-selected text-fg font-medium" : "text-fg hover:bg-hover")
      }
    >
      <span className="text-muted shrink-0" aria-hidden="true">
        {icon}
      </span>
      <span className="min-w-0 flex-1 truncate">{label}</span>
      <span data-testid={`view-count-${id}`} className="text-muted text-xs tabular-nums">
        {count ?? ""}
      </span>
    </NavLink>
  );
}

export function ViewsSidebar() {
  const { t } = useTranslation();
  const me = useMe();
  const counts = useCounts().data;
  const teams = useTeams().data?.data ?? [];
  const views = useSavedViews().data?.data ?? [];
  const role = me.role;
  const perms = me.user?.permissions ?? me.workspace.permissions?.[role];
  const mine = new Set(me.user?.team_ids ?? []);
  const shown = teams
    .filter((tm) => mine.has(tm.id) || seesEveryTeam(role, perms))
    .sort((a, b) => a.name.localeCompare(b.name));
  const teamCount = (id: number) => counts?.teams.find((c) => c.team_id === id)?.count ?? (counts ? 0 : undefined);
  const viewCount = (id: number) => counts?.views.find((c) => c.view_id === id)?.count;
  const heading = "text-muted px-2 pt-4 pb-1 text-[11px] font-semibold tracking-wide uppercase";
  return (
    <nav aria-label={t("inbox.views.label")} className="border-line bg-panel flex w-48 shrink-0 flex-col overflow-y-auto border-r p-2 xl:w-52">
      <ViewLink to="all" id="all" icon={<Inbox size={15} />} label={t("inbox.views.all")} count={counts?.all} />
      <ViewLink to="mine" id="mine" icon={<UserIcon size={15} />} label={t("inbox.views.mine")} count={counts?.mine} />
      <ViewLink
        to="unassigned"
        id="unassigned"
        icon={<UserX size={15} />}
        label={t("inbox.views.unassigned")}
        count={counts?.unassigned}
      />
      {shown.length > 0 && (
        <>
          <h2 className={heading}>{t("inbox.views.teams")}</h2>
          {shown.map((tm) => (
            <ViewLink
              key={tm.id}
              to={`team-${tm.id}`}
              id={`team-${tm.id}`}
              icon={<Users size={15} />}
              label={tm.name}
              count={teamCount(tm.id)}
            />
          ))}
        </>
      )}
      {views.length > 0 && (
        <>
          <h2 className={heading}>{t("inbox.views.saved")}</h2>
          {views.map((v) => (
            <ViewLink
              key={v.id}
              to={`view-${v.id}`}
              id={`view-${v.id}`}
              icon={<Bookmark size={15} />}
              label={v.name}
              count={viewCount(v.id)}
            />
          ))}
        </>
      )}
    </nav>
  );
}
