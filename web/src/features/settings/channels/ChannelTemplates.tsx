// ChannelTemplates: a channel's message templates (WhatsApp's), as last
// synced from the provider — every one, approved or not, with its status,
// so that a manager sees why the composer offers fewer — and Sync
// templates, which reads them again (POST …/templates/sync: after a
// template is created or approved in WhatsApp Manager). The provider's
// refusal shows here and the stored list stays.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { RefreshCw } from "lucide-react";
import { api } from "../../../lib/api";
import { qk } from "../../../lib/queryKeys";
import { Button } from "../../../lib/ui/form";
import type { Channel } from "../../../lib/types";
import { SkeletonRows } from "../workspace/common";
import type { Template } from "../../inbox/conversation/TemplatePicker";

type Listed = Template & { category?: string };

/** statusClass colours a template's status: approved, refused, or waiting. */
function statusClass(status = ""): string {
  const s = status.toUpperCase();
  if (s === "APPROVED") return "text-success";
  if (s === "REJECTED" || s === "DISABLED" || s === "PAUSED") return "text-danger";
  return "text-muted";
}

export function ChannelTemplates({ channel }: { channel: Channel }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const key = qk.channelTemplateList(channel.id);
  const list = useQuery({ queryKey: key, queryFn: () => api.get<{ data: Listed[] }>(`/api/v1/channels/${channel.id}/templates`) });
  const sync = useMutation({
    mutationFn: () => api.post<{ data: Listed[] }>(`/api/v1/channels/${channel.id}/templates/sync`),
    onSuccess: (fresh) => {
      qc.setQueryData(key, fresh);
      // The composer's picker reads the approved ones afresh (exact: the
      // list above, under the same prefix, was just set).
      void qc.invalidateQueries({ queryKey: qk.channelTemplates(channel.id), exact: true });
    },
  });
  const rows = list.data?.data ?? [];
  return (
    <div data-testid="channel-templates">
      <div className="mb-2 flex items-center gap-3">
        <h3 className="flex-1 text-sm font-medium">{t("channelsSettings.templates.title")}</h3>
        <Button onClick={() => sync.mutate()} disabled={sync.isPending} data-testid="templates-sync">
          <span className="flex items-center gap-1">
            <RefreshCw size={14} aria-hidden className={sync.isPending ? "animate-spin" : ""} />
            {sync.isPending ? t("channelsSettings.templates.syncing") : t("channelsSettings.templates.sync")}
          </span>
        </Button>
      </div>
      <p className="text-muted mb-2 text-xs">
        {/* Where the templates come from is the provider's: Twilio's are its Content templates. */}
        {t(`channelsSettings.templates.hintByType.${channel.type}`, { defaultValue: t("channelsSettings.templates.hint") })}
      </p>
      {sync.isError && (
        <p role="alert" className="text-danger mb-2 text-sm">
          {(sync.error as Error).message}
        </p>
      )}
      {sync.isSuccess && !sync.isPending && (
        <p role="status" className="text-success mb-2 text-sm">
          {t("channelsSettings.templates.synced", { count: sync.data.data.length })}
        </p>
      )}
      {list.isPending ? (
        <SkeletonRows n={1} />
      ) : list.isError ? (
        <p role="alert" className="text-danger text-sm">
          {(list.error as Error).message}
        </p>
      ) : rows.length === 0 ? (
        <p className="text-muted text-sm" data-testid="templates-none">
          {t("channelsSettings.templates.none")}
        </p>
      ) : (
        <table className="w-full text-left text-sm">
          <thead className="text-muted text-xs">
            <tr>
              <th className="py-1 pr-2 font-medium">{t("channelsSettings.templates.name")}</th>
              <th className="py-1 pr-2 font-medium">{t("channelsSettings.templates.language")}</th>
              <th className="py-1 pr-2 font-medium">{t("channelsSettings.templates.category")}</th>
              <th className="py-1 pr-2 font-medium">{t("channelsSettings.templates.status")}</th>
              <th className="py-1 font-medium">{t("channelsSettings.templates.body")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.name + "/" + r.language} data-testid="template-row" data-template={r.name} className="border-line border-t align-top">
                <td className="py-1.5 pr-2 font-mono text-xs">{r.name}</td>
                <td className="py-1.5 pr-2 text-xs">{r.language}</td>
                <td className="text-muted py-1.5 pr-2 text-xs">{r.category?.toLowerCase()}</td>
                <td className={"py-1.5 pr-2 text-xs font-medium " + statusClass(r.status)}>{r.status?.toLowerCase()}</td>
                <td className="max-w-md truncate py-1.5 text-xs" title={r.body}>
                  {r.body}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
