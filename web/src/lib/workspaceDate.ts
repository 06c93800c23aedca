// useWorkspaceDate: a formatter of instants in the workspace's time zone
// and the person's language, as every list and banner shows its dates.
import { useTranslation } from "react-i18next";
import { useMe } from "./session";

export function useWorkspaceDate(options: Intl.DateTimeFormatOptions = { dateStyle: "medium", timeStyle: "short" }): (at: string | number | Date) => string {
  const { i18n } = useTranslation();
  const me = useMe();
  const f = new Intl.DateTimeFormat(i18n.language, { ...options, timeZone: me.workspace.timezone || undefined });
  return (at) => f.format(new Date(at));
}
