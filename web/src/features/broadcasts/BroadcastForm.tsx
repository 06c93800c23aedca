// BroadcastForm (/broadcasts/new, /broadcasts/:id/edit): a draft's name,
// channel, audience (with a live estimate of how many contacts it reaches)
// and message, then Save draft, Schedule or Send now. Sending saves the
// draft first, so what goes is what the form shows; the server's refusal
// is shown next to the field it names.
import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router";
import { useTranslation } from "react-i18next";
import { Clock, Send, Users } from "lucide-react";
import { ApiError } from "../../lib/api";
import { useChannels, useChannelTypes } from "../../lib/directory";
import { Button, Field, Section, Select, TextInput } from "../../lib/ui/form";
import { AudienceFilters } from "./AudienceFilters";
import { MessageEditor, type MessageState } from "./MessageEditor";
import { SendDialog } from "./SendDialog";
import { useAudienceCount, useBroadcastAction, useSaveDraft } from "./data";
import { cleanAudience, type Audience, type Broadcast, type BroadcastInput } from "./types";

/** initialReady: whether a stored message can be sent as it is. */
function initialReady(b?: Broadcast): boolean {
  const m = b?.message;
  if (!m) return false;
  if (m.type === "text") return !!m.text?.trim();
  const params = (m.content as { params?: unknown } | undefined)?.params;
  const values = Array.isArray(params) ? params : Object.values((params as Record<string, string>) ?? {});
  return !!(m.content as { name?: string } | undefined)?.name && values.every((v) => String(v).trim() !== "");
}

export function BroadcastForm({ draft }: { draft?: Broadcast }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const channels = useChannels().data?.data ?? [];
  const types = useChannelTypes().data?.items ?? [];
  const [savedID, setSavedID] = useState(draft?.id ?? 0);
  const [name, setName] = useState(draft?.name ?? "");
  const [picked, setPicked] = useState(draft?.channel_id ?? 0);
  const [audience, setAudience] = useState<Audience>(draft?.audience ?? {});
  const [msg, setMsg] = useState<MessageState>({ message: draft?.message ?? { type: "text", text: "" }, ready: initialReady(draft) });
  const [error, setError] = useState<ApiError | null>(null);
  const [dialog, setDialog] = useState<"now" | "schedule" | null>(null);
  const save = useSaveDraft();
  const action = useBroadcastAction();

  // The first channel until one is chosen.
  const channelID = picked || channels[0]?.id || 0;
  const channel = channels.find((c) => c.id === channelID);
  const caps = types.find((x) => x.type === channel?.type)?.capabilities;
  const windowHours = Math.round((caps?.reply_window_seconds ?? 0) / 3600);
  const hasTemplates = !!channel?.templates;
  // A template chosen on a channel that has none goes back to a text.
  const message = hasTemplates || msg.message.type === "text" ? msg.message : { type: "text" as const, text: "" };
  const estimate = useAudienceCount(channelID, audience);
  const count = estimate.count;

  const email = channel?.type === "email";
  // A text's content holds only an email's subject: other channels get the text alone.
  const input = (): BroadcastInput => ({
    name: name.trim(),
    channel_id: channelID,
    audience: cleanAudience(audience),
    message: message.type === "text" && !email ? { type: "text", text: message.text } : message,
  });

  /** persist saves the draft and answers its id (null when the server refused it). */
  async function persist(): Promise<number | null> {
    setError(null);
    try {
      const b = await save.mutateAsync({ id: savedID, input: input() });
      setSavedID(b.id);
      return b.id;
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, "network", t("broadcasts.failed")));
      return null;
    }
  }

  async function saveDraft(e: FormEvent) {
    e.preventDefault();
    const id = await persist();
    if (id) navigate(`/broadcasts/${id}`);
  }

  async function send(scheduledAt?: string) {
    const id = await persist();
    if (!id) return setDialog(null);
    try {
      await action.mutateAsync({ id, action: "send", scheduledAt });
      navigate(`/broadcasts/${id}`);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, "network", t("broadcasts.failed")));
    }
  }

  const fieldError = (...names: string[]) => names.map((n) => error?.forField(n)).find(Boolean);
  const messageError = fieldError("message", "message.type", "message.text", "message.content", "text", "content");
  const known = ["name", "channel_id", "audience", "message", "message.type", "message.text", "message.content", "text", "content"];
  const general = error && !known.includes(error.field ?? "") && !error.problems.some((p) => known.includes(p.field ?? "")) ? error.message : "";
  const busy = save.isPending || action.isPending;
  const ready = message === msg.message && msg.ready;
  const canSend = !!name.trim() && channelID > 0 && ready && !busy;

  return (
    <>
    <form className="mx-auto max-w-5xl p-6" onSubmit={(e) => void saveDraft(e)} data-testid="broadcast-form" aria-label={t("broadcasts.form.title")}>
      <div className="mb-4 flex items-center gap-3">
        <h1 className="flex-1 text-xl font-semibold">{draft ? t("broadcasts.form.editTitle") : t("broadcasts.form.title")}</h1>
        <Link to={savedID ? `/broadcasts/${savedID}` : "/broadcasts"} className="text-muted hover:text-fg text-sm underline">
          {t("broadcasts.back")}
        </Link>
      </div>
      <Section title={t("broadcasts.form.details")}>
        <div className="grid grid-cols-2 gap-4">
          <Field label={t("broadcasts.form.name")} error={fieldError("name")} hint={t("broadcasts.form.nameHint")}>
            {(id, d) => (
              <TextInput id={id} value={name} required maxLength={200} aria-describedby={d} aria-invalid={!!fieldError("name")}
                data-testid="broadcast-name" onChange={(e) => setName(e.target.value)} />
            )}
          </Field>
          <Field label={t("broadcasts.form.channel")} error={fieldError("channel_id")}>
            {(id, d) => (
              <Select id={id} value={channelID || ""} aria-describedby={d} aria-invalid={!!fieldError("channel_id")} data-testid="broadcast-channel"
                onChange={(e) => {
                  setPicked(Number(e.target.value));
                  // A template is one channel's: another channel's must be chosen afresh.
                  if (msg.message.type === "template") setMsg({ message: { type: "template" }, ready: false });
                }}>
                {channels.length === 0 && <option value="">{t("broadcasts.form.noChannels")}</option>}
                {channels.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        </div>
      </Section>
      <Section title={t("broadcasts.form.audience")} description={t("broadcasts.form.audienceHint")}>
        <AudienceFilters value={audience} onChange={setAudience} />
        <p className="bg-subtle mt-4 flex items-center gap-2 rounded px-3 py-2 text-sm" aria-live="polite">
          <Users size={16} aria-hidden="true" className="text-muted shrink-0" />
          <span data-testid="broadcast-estimate" data-count={count ?? ""}>
            {estimate.isError ? (
              <span className="text-danger">{estimate.error.message}</span>
            ) : count === undefined ? (
              <span className="text-muted">{t("broadcasts.form.counting")}</span>
            ) : (
              <strong>{t("broadcasts.form.estimate", { count })}</strong>
            )}
          </span>
        </p>
        {fieldError("audience") && <p role="alert" className="text-danger mt-1 text-xs">{fieldError("audience")}</p>}
      </Section>
      <Section title={t("broadcasts.form.message")}>
        <MessageEditor key={channelID} channelID={channelID} hasTemplates={hasTemplates} email={email} windowHours={windowHours} value={message} onChange={setMsg} error={messageError} />
      </Section>
      {general && (
        <p role="alert" className="text-danger mb-3 text-sm" data-testid="broadcast-form-error">
          {general}
        </p>
      )}
      <div className="flex items-center gap-2">
        <Button type="submit" disabled={busy || !name.trim() || channelID === 0} data-testid="broadcast-save">
          {t("broadcasts.form.save")}
        </Button>
        <div className="flex-1" />
        <Button disabled={!canSend} onClick={() => setDialog("schedule")} data-testid="broadcast-schedule">
          <Clock size={14} aria-hidden="true" className="mr-1 inline" />
          {t("broadcasts.form.schedule")}
        </Button>
        <Button intent="primary" disabled={!canSend} onClick={() => setDialog("now")} data-testid="broadcast-send-now">
          <Send size={14} aria-hidden="true" className="mr-1 inline" />
          {t("broadcasts.form.sendNow")}
        </Button>
      </div>
    </form>
      {dialog && (
        <SendDialog mode={dialog} count={count} name={name.trim()} busy={busy} error={action.error?.message}
          onSend={(at) => void send(at)} onClose={() => (setDialog(null), action.reset())} />
      )}
    </>
  );
}
