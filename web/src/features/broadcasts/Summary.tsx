// Summary: what a broadcast sends and to whom, in words — its audience's
// filters and its message (a text as text, a template by its name and
// parameters) — on its page; before it goes, with how many contacts the
// audience reaches now.
import { useTranslation } from "react-i18next";
import { useWorkspaceDate } from "../../lib/workspaceDate";
import type { Audience, Broadcast } from "./types";

export function Summary({ b, channelName, estimate }: { b: Broadcast; channelName: string; estimate?: number }) {
  const { t } = useTranslation();
  const date = useWorkspaceDate({ dateStyle: "medium" });
  const a: Audience = b.audience ?? {};
  const filters: [string, string][] = [];
  if (a.q) filters.push([t("broadcasts.audience.search"), a.q]);
  if (a.tag) filters.push([t("broadcasts.audience.tag"), a.tag]);
  if (a.stage) filters.push([t("broadcasts.audience.stage"), a.stage]);
  if (a.field) filters.push([t("broadcasts.audience.field"), a.field.replace("=", " = ")]);
  if (a.last_message_after) filters.push([t("broadcasts.audience.after"), date(a.last_message_after)]);
  if (a.last_message_before) filters.push([t("broadcasts.audience.before"), date(a.last_message_before)]);
  const tpl = b.message.type === "template" ? (b.message.content as { name?: string; language?: string; params?: unknown } | undefined) : undefined;
  const params = tpl?.params ? (Array.isArray(tpl.params) ? tpl.params.map(String) : Object.entries(tpl.params as Record<string, string>).map(([k, v]) => `${k}: ${v}`)) : [];
  return (
    <dl className="grid grid-cols-[9rem_1fr] gap-x-4 gap-y-2 text-sm" data-testid="broadcast-summary-block">
      <dt className="text-muted">{t("broadcasts.form.channel")}</dt>
      <dd>{channelName}</dd>
      <dt className="text-muted">{t("broadcasts.form.audience")}</dt>
      <dd className="flex flex-wrap gap-1">
        {filters.length === 0
          ? t("broadcasts.audience.everyone")
          : filters.map(([k, v]) => (
              <span key={k} className="border-line bg-subtle rounded border px-1.5 text-xs">
                {k}: {v}
              </span>
            ))}
        {estimate !== undefined && (
          <span className="text-muted basis-full text-xs" data-testid="broadcast-summary-estimate">
            {t("broadcasts.form.estimate", { count: estimate })}
          </span>
        )}
      </dd>
      <dt className="text-muted">{t("broadcasts.form.message")}</dt>
      <dd>
        {tpl ? (
          <span data-testid="broadcast-summary-template">
            {t("broadcasts.message.templateNamed", { name: tpl.name ?? "", language: tpl.language ?? "" })}
            {params.length > 0 && <span className="text-muted block text-xs">{params.join(" · ")}</span>}
          </span>
        ) : (
          <p className="bg-subtle max-w-2xl rounded px-2 py-1.5 whitespace-pre-wrap" data-testid="broadcast-summary-text">
            {b.message.text}
          </p>
        )}
      </dd>
    </dl>
  );
}
