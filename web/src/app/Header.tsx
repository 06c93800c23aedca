// The header: the availability switch, the notification bell, and the
// person's menu (theme, language, sign-out).
import { useEffect, useRef, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import * as Dropdown from "@radix-ui/react-dropdown-menu";
import * as Popover from "@radix-ui/react-popover";
import { Bell, Moon, Sun, Languages, LogOut, UserCog } from "lucide-react";
import { useTranslation } from "react-i18next";
import { NavLink, useNavigate } from "react-router";
import { api, type Page } from "../lib/api";
import { qk } from "../lib/queryKeys";
import { usePresence } from "../lib/directory";
import { useMe, useSession } from "../lib/session";
import { currentTheme, setTheme } from "../lib/theme";
import { setLanguage } from "../lib/i18n";
import { Avatar } from "../lib/ui/Avatar";
import { useToast } from "../lib/ui/toast";
import { chimeOnce, soundOn } from "../lib/notificationSound";
import type { Notification, Presence } from "../lib/types";

function Availability() {
  const { t } = useTranslation();
  const me = useMe();
  const qc = useQueryClient();
  const toast = useToast();
  const userID = me.user?.id;
  const presence = usePresence();
  const mine = presence.data?.data.find((p) => p.user_id === userID);
  const status = mine?.status ?? me.user?.status ?? "busy";
  const set = useMutation({
    mutationFn: (s: string) => api.put<Presence>("/api/v1/presence", { status: s }),
    onMutate: async (s) => {
      await qc.cancelQueries({ queryKey: qk.presence });
      const before = qc.getQueryData<Page<Presence>>(qk.presence);
      if (before) {
        qc.setQueryData<Page<Presence>>(qk.presence, {
          ...before,
          data: before.data.map((p) => (p.user_id === userID ? { ...p, status: s } : p)),
        });
      }
      return { before };
    },
    onError: (e, _s, ctx) => {
      if (ctx?.before) qc.setQueryData(qk.presence, ctx.before);
      toast(e.message);
    },
    onSettled: () => void qc.invalidateQueries({ queryKey: qk.presence }),
  });
  const online = status === "online";
  return (
    <button
      type="button"
      role="switch"
      data-testid="availability-switch"
      aria-checked={online}
      aria-label={t("header.availability")}
      onClick={() => set.mutate(online ? "busy" : "online")}
      className="border-line hover:bg-hover flex items-center gap-2 rounded-full border px-3 py-1 text-sm whitespace-nowrap"
    >
      <span
        aria-hidden="true"
        className={"inline-block h-2.5 w-2.5 rounded-full " + (online ? "bg-success" : "bg-warning")}
      />
      {online ? t("header.online") : t("header.busy")}
    </button>
  );
}

function NotificationBell() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const list = useQuery({
    queryKey: [...qk.notifications, "list"],
    queryFn: () => api.get<Page<Notification>>("/api/v1/me/notifications", { limit: 20 }),
  });
  const count = useQuery({
    queryKey: [...qk.notifications, "count"],
    queryFn: () => api.get<{ unread: number }>("/api/v1/me/notifications/count"),
  });
  const unread = count.data?.unread ?? 0;
  const seen = useRef<number>(-1);
  // A browser notification for what arrived while the tab was in the
  // background, if the person allowed them; the chime, if this browser
  // asked for it (Your account › Notifications), once whatever its tabs.
  useEffect(() => {
    const newest = list.data?.data[0];
    if (!newest) return;
    const arrived = seen.current >= 0 && newest.id > seen.current && !newest.read_at;
    if (arrived && soundOn()) chimeOnce(newest.id);
    if (arrived && document.hidden) {
      if ("Notification" in window && window.Notification.permission === "granted") {
        new window.Notification(
          t(`notification.${newest.kind}`, { id: newest.conversation_id ?? newest.subject_id, defaultValue: t("header.notifications") }),
        );
      }
    }
    seen.current = Math.max(seen.current, newest.id);
  }, [list.data, t]);
  const markAll = useMutation({
    mutationFn: () => api.post("/api/v1/me/notifications/read", {}),
    onSettled: () => void qc.invalidateQueries({ queryKey: qk.notifications }),
  });
  // Opening a notification reads it: the count goes down as the person
  // goes through the bell, not only with "Mark all as read".
  const markOne = useMutation({
    mutationFn: (id: number) => api.post("/api/v1/me/notifications/read", { ids: [id] }),
    onSettled: () => void qc.invalidateQueries({ queryKey: qk.notifications }),
  });
  // Controlled, so that opening a notification also closes the bell
  // (navigating leaves the header mounted, and the popover open over the
  // conversation).
  const [bellOpen, setBellOpen] = useState(false);
  const openNotification = (n: Notification) => {
    setBellOpen(false);
    if (!n.read_at) markOne.mutate(n.id);
    navigate(n.kind === "webhook_disabled" ? "/settings/webhooks" : `/inbox/all/${n.conversation_id}`);
  };
  return (
    <Popover.Root open={bellOpen} onOpenChange={setBellOpen}>
      <Popover.Trigger asChild>
        <button type="button" data-testid="bell" className="hover:bg-hover relative rounded p-1.5">
          <Bell size={18} aria-hidden="true" />
          {/* Named by its content, the visible count included (WCAG 2.5.3). */}
          <span className="sr-only">{t("header.notifications")}</span>
          {unread > 0 && (
            <span className="bg-danger absolute -top-0.5 -right-0.5 min-w-4 rounded-full px-1 text-[10px] leading-4 font-semibold text-white">
              {unread}
            </span>
          )}
        </button>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          align="end"
          sideOffset={6}
          className="border-line bg-bg z-40 w-80 rounded-md border p-2 shadow-lg"
        >
          <div className="mb-1 flex items-center justify-between px-1">
            <span className="text-sm font-semibold">{t("header.notifications")}</span>
            <button type="button" className="text-accent text-xs" onClick={() => markAll.mutate()}>
              {t("header.markAllRead")}
            </button>
          </div>
          {list.data?.data.length ? (
            <ul className="max-h-80 overflow-auto">
              {list.data.data.map((n) => (
                <li key={n.id}>
                  <button
                    type="button"
                    onClick={() => openNotification(n)}
                    className={"hover:bg-hover w-full rounded px-2 py-1.5 text-left text-sm " + (n.read_at ? "text-muted" : "font-medium")}
                  >
                    {t(`notification.${n.kind}`, { id: n.conversation_id ?? n.subject_id, defaultValue: n.kind })}
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-muted px-2 py-3 text-sm">{t("header.noNotifications")}</p>
          )}
          {"Notification" in window && window.Notification.permission === "default" && (
            <button
              type="button"
              className="text-accent mt-1 px-2 text-xs"
              onClick={() => void window.Notification.requestPermission()}
            >
              {t("header.enableBrowserNotifications")}
            </button>
          )}
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}

function UserMenu() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const { signOut } = useSession();
  const navigate = useNavigate();
  const name = me.user?.name ?? me.workspace.name;
  const item = "hover:bg-hover flex cursor-default items-center gap-2 rounded px-2 py-1.5 text-sm outline-none data-[highlighted]:bg-hover";
  return (
    <Dropdown.Root>
      <Dropdown.Trigger asChild>
        <button type="button" data-testid="user-menu" className="rounded-full">
          <Avatar name={name} />
          <span className="sr-only">{t("header.userMenu")}</span>
        </button>
      </Dropdown.Trigger>
      <Dropdown.Portal>
        <Dropdown.Content align="end" sideOffset={6} className="border-line bg-bg z-40 min-w-48 rounded-md border p-1 shadow-lg">
          <div className="px-2 py-1.5 text-sm">
            <div className="font-medium">{name}</div>
            <div className="text-muted text-xs">{me.workspace.name}</div>
          </div>
          <Dropdown.Separator className="bg-line my-1 h-px" />
          <Dropdown.Item className={item} onSelect={() => navigate("/account")} data-testid="user-menu-account">
            <UserCog size={14} aria-hidden="true" />
            {t("account.menu")}
          </Dropdown.Item>
          <Dropdown.Item className={item} onSelect={() => setTheme(currentTheme() === "dark" ? "light" : "dark")}>
            {currentTheme() === "dark" ? <Sun size={14} aria-hidden="true" /> : <Moon size={14} aria-hidden="true" />}
            {t("header.theme")}: {currentTheme() === "dark" ? t("header.light") : t("header.dark")}
          </Dropdown.Item>
          <Dropdown.Item className={item} onSelect={() => setLanguage(i18n.language === "fr" ? "en" : "fr")}>
            <Languages size={14} aria-hidden="true" />
            {t("header.language")}: {i18n.language === "fr" ? "English" : "Français"}
          </Dropdown.Item>
          <Dropdown.Separator className="bg-line my-1 h-px" />
          <Dropdown.Item className={item} onSelect={() => void signOut()}>
            <LogOut size={14} aria-hidden="true" />
            {t("header.signOut")}
          </Dropdown.Item>
        </Dropdown.Content>
      </Dropdown.Portal>
    </Dropdown.Root>
  );
}

function MainNav() {
  const { t } = useTranslation();
  const me = useMe();
  const link = ({ isActive }: { isActive: boolean }) =>
    "rounded px-1.5 py-1 text-sm whitespace-nowrap xl:px-2.5 " + (isActive ? "bg-selected font-medium" : "text-muted hover:bg-hover hover:text-fg");
  return (
    // Tighter below 1280 px, so that eight items in French hold on one line at 1024.
    <nav aria-label={t("header.mainNav")} className="flex items-center gap-0.5 xl:gap-1">
      <NavLink to="/inbox" className={link}>
        {t("header.inbox")}
      </NavLink>
      <NavLink to="/contacts" className={link}>
        {t("header.contacts")}
      </NavLink>
      {(me.role === "owner" || me.role === "manager") && (
        <>
          <NavLink to="/builder" className={link}>
            {t("header.workflows")}
          </NavLink>
          <NavLink to="/broadcasts" className={link}>
            {t("broadcasts.nav")}
          </NavLink>
          <NavLink to="/knowledge" className={link}>
            {t("knowledge.nav")}
          </NavLink>
          <NavLink to="/reports" className={link}>
            {t("reports.nav")}
          </NavLink>
          <NavLink to="/settings" className={link}>
            {t("header.settings")}
          </NavLink>
        </>
      )}
    </nav>
  );
}

export function Header() {
  const { t } = useTranslation();
  return (
    <header className="border-line bg-panel flex h-12 shrink-0 items-center gap-3 border-b px-3">
      <span className="font-semibold">{t("app.name")}</span>
      <MainNav />
      <div className="flex-1" />
      <Availability />
      <NotificationBell />
      <UserMenu />
    </header>
  );
}
