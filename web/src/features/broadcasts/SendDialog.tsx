// SendDialog: the last word before a broadcast goes. Send now names how
// many contacts it reaches (the estimate of the moment: the server counts
// again when it sends); Schedule asks for a date and time on the
// workspace's clock, which is where its team reads it.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useMe } from "../../lib/session";
import { Button } from "../../lib/ui/form";
import { Modal } from "../../lib/ui/Modal";
import { parseLocalInput, validTimeZone } from "../inbox/conversation/time";

export function SendDialog({ mode, count, name, busy, error, onSend, onClose }: {
  mode: "now" | "schedule";
  /** The audience's estimate, undefined while it is counted. */
  count?: number;
  name: string;
  busy: boolean;
  error?: string;
  /** scheduledAt (RFC 3339) for a schedule, nothing to send now. */
  onSend(scheduledAt?: string): void;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const tz = validTimeZone(useMe().workspace.timezone);
  const [at, setAt] = useState("");
  const when = at ? parseLocalInput(at, tz) : null;
  const past = when !== null && when.getTime() <= Date.now();
  return (
    <Modal title={mode === "now" ? t("broadcasts.send.nowTitle") : t("broadcasts.send.scheduleTitle")} onClose={onClose} testid="broadcast-send-dialog">
      <form
        className="flex flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          // The dialog is portalled, but React bubbles its submit to the page's form.
          e.stopPropagation();
          if (mode === "now") onSend();
          else if (when && !past) onSend(when.toISOString().replace(/\.\d{3}Z$/, "Z"));
        }}
      >
        <p className="text-sm" data-testid="broadcast-send-count">
          {count === undefined ? t("broadcasts.send.counting") : t(mode === "now" ? "broadcasts.send.nowBody" : "broadcasts.send.scheduleBody", { count, name })}
        </p>
        {mode === "schedule" && (
          <label className="flex flex-col gap-1 text-sm">
            <span className="font-medium">{t("broadcasts.send.at")}</span>
            <input type="datetime-local" required value={at} onChange={(e) => setAt(e.target.value)} data-testid="broadcast-schedule-at"
              aria-invalid={past} className="border-line bg-bg aria-[invalid=true]:border-danger w-60 rounded border px-2 py-1.5 text-sm" />
            <span className={"text-xs " + (past ? "text-danger" : "text-muted")}>{past ? t("broadcasts.send.past") : t("broadcasts.send.timezone", { tz })}</span>
          </label>
        )}
        {error && (
          <p role="alert" className="text-danger text-sm">
            {error}
          </p>
        )}
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>{t("broadcasts.cancel")}</Button>
          <Button intent="primary" type="submit" data-testid="broadcast-send-confirm" disabled={busy || (mode === "now" && count === 0) || (mode === "schedule" && (!when || past))}>
            {mode === "now" ? t("broadcasts.send.confirmNow", { count: count ?? 0 }) : t("broadcasts.send.confirmSchedule")}
          </Button>
        </div>
      </form>
    </Modal>
  );
}
