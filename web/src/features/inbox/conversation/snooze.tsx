// Snoozing: the times a snooze offers and the conversation's own snooze
// popover (the list's bulk bar offers the same times).
import { useState, type ReactNode } from "react";
import * as Popover from "@radix-ui/react-popover";
import { AlarmClock } from "lucide-react";
import { useTranslation } from "react-i18next";
import { api } from "../../../lib/api";
import { useMe } from "../../../lib/session";
import type { Conversation } from "../../../lib/types";
import { useConversationAction } from "./actions";
import { formatShort, parseLocalInput, snoozeUntil, validTimeZone, type SnoozePreset } from "./time";
import { popoverClass } from "./ui";

export function SnoozePopover({
  conversation,
  open,
  onOpenChange,
  children,
}: {
  conversation: Conversation;
  open: boolean;
  onOpenChange(o: boolean): void;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const snooze = useConversationAction<Date>(
    conversation.id,
    (until) => api.post<Conversation>(`/api/v1/conversations/${conversation.id}/snooze`, { until: until.toISOString() }),
    (c, until) => ({ ...c, status: "snoozed", snoozed_until: until.toISOString() }),
  );
  return (
    <Popover.Root open={open} onOpenChange={onOpenChange}>
      <Popover.Trigger asChild>{children}</Popover.Trigger>
      <Popover.Portal>
        <Popover.Content align="end" sideOffset={6} className={popoverClass + " w-80 p-2"} aria-label={t("conversation.snooze.title")}>
          <SnoozeChoices
            onPick={(until) => {
              snooze.mutate(until);
              onOpenChange(false);
            }}
          />
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}

/**
 * SnoozeChoices are the times a snooze offers (in an hour, tomorrow, next
 * week, in the workspace's time zone) and a time of one's own; onPick
 * gets the one chosen, once it is in the future. The conversation's own
 * snooze and the list's bulk one both show them.
 */
export function SnoozeChoices({ onPick }: { onPick(until: Date): void }) {
  const { t, i18n } = useTranslation();
  const tz = validTimeZone(useMe().workspace.timezone);
  const [custom, setCustom] = useState("");
  const [invalid, setInvalid] = useState(false);
  const now = new Date();
  const go = (until: Date | null) => {
    if (!until || until.getTime() <= Date.now()) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    onPick(until);
  };
  const presets: SnoozePreset[] = ["hour", "tomorrow", "nextWeek"];
  return (
    <>
      <p className="text-muted px-2 py-1 text-xs font-semibold uppercase">{t("conversation.snooze.title")}</p>
      {presets.map((p) => {
        const at = snoozeUntil(p, now, tz);
        return (
          <button
            key={p}
            type="button"
            data-testid={`snooze-${p}`}
            onClick={() => go(snoozeUntil(p, new Date(), tz))}
            className="hover:bg-hover focus:bg-hover flex w-full items-center justify-between gap-2 rounded px-2 py-1.5 text-left text-sm"
          >
            <span className="flex items-center gap-2">
              <AlarmClock size={14} aria-hidden="true" className="text-muted shrink-0" />
              {t(`conversation.snooze.${p}`)}
            </span>
            <span className="text-muted shrink-0 text-xs whitespace-nowrap">{formatShort(at, i18n.language, tz)}</span>
          </button>
        );
      })}
      <form
        className="border-line mt-2 flex flex-col gap-2 border-t px-2 pt-2"
        onSubmit={(e) => {
          e.preventDefault();
          go(parseLocalInput(custom, tz));
        }}
      >
        <label className="flex flex-col gap-1 text-sm">
          {t("conversation.snooze.custom")}
          <input
            type="datetime-local"
            value={custom}
            onChange={(e) => setCustom(e.target.value)}
            className="border-line bg-bg rounded border px-2 py-1"
          />
        </label>
        {invalid && (
          <p role="alert" className="text-danger text-xs">
            {t("conversation.snooze.invalid")}
          </p>
        )}
        <button type="submit" disabled={!custom} className="bg-accent text-accent-fg rounded px-3 py-1 text-sm disabled:opacity-50">
          {t("conversation.snooze.apply")}
        </button>
      </form>
    </>
  );
}
