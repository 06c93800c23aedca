// The palette's own commands: go to each view, theme, availability,
// sign-out, the shortcuts sheet. The open conversation adds its own
// through the same registry (lib/commands.ts).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { api } from "../../../lib/api";
import { useRegisterCommands, type Command } from "../../../lib/commands";
import { qk } from "../../../lib/queryKeys";
import { useMe, useSession } from "../../../lib/session";
import { currentTheme, setTheme } from "../../../lib/theme";
import { useToast } from "../../../lib/ui/toast";
import { useSavedViews, useTeams } from "../list/data";
import { focusSearch, openFilter } from "./focus";

export function useInboxCommands({ openHelp }: { openHelp(): void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const me = useMe();
  const { signOut } = useSession();
  const qc = useQueryClient();
  const toast = useToast();
  const teams = useTeams().data?.data ?? [];
  const views = useSavedViews().data?.data ?? [];
  const mine = new Set(me.user?.team_ids ?? []);
  const everyTeam = me.role === "owner" || !!(me.user?.permissions ?? me.workspace.permissions?.[me.role])?.see_all_conversations;

  const presence = useMutation({
    mutationFn: (status: "online" | "busy") => api.put("/api/v1/presence", { status }),
    onError: (e) => toast(e.message),
    onSettled: () => void qc.invalidateQueries({ queryKey: qk.presence }),
  });

  const go = t("palette.group.go");
  const act = t("palette.group.actions");
  const list: Command[] = [
    { id: "go.all", group: go, label: t("palette.goTo", { view: t("inbox.views.all") }), run: () => navigate("/inbox/all") },
    { id: "go.mine", group: go, label: t("palette.goTo", { view: t("inbox.views.mine") }), run: () => navigate("/inbox/mine") },
    {
      id: "go.unassigned",
      group: go,
      label: t("palette.goTo", { view: t("inbox.views.unassigned") }),
      run: () => navigate("/inbox/unassigned"),
    },
    ...teams
      .filter((tm) => everyTeam || mine.has(tm.id))
      .map((tm) => ({
        id: `go.team-${tm.id}`,
        group: go,
        label: t("palette.goTo", { view: tm.name }),
        run: () => navigate(`/inbox/team-${tm.id}`),
      })),
    ...views.map((v) => ({
      id: `go.view-${v.id}`,
      group: go,
      label: t("palette.goTo", { view: v.name }),
      run: () => navigate(`/inbox/view-${v.id}`),
    })),
    { id: "search.focus", group: act, label: t("palette.searchList"), shortcut: "/", run: () => focusSearch() },
    { id: "list.filter", group: act, label: t("palette.filterList"), shortcut: "f", run: () => openFilter() },
    {
      id: "theme.toggle",
      group: act,
      label: t("palette.toggleTheme"),
      keywords: t("palette.themeKeywords"),
      run: () => setTheme(currentTheme() === "dark" ? "light" : "dark"),
    },
    { id: "presence.online", group: act, label: t("palette.goOnline"), run: () => presence.mutate("online") },
    { id: "presence.busy", group: act, label: t("palette.goBusy"), run: () => presence.mutate("busy") },
    { id: "help.shortcuts", group: act, label: t("palette.shortcuts"), shortcut: "?", run: openHelp },
    { id: "session.signOut", group: act, label: t("palette.signOut"), run: () => void signOut() },
  ];
  useRegisterCommands(list);
}
