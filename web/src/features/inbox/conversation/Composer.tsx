// The composer: reply or internal comment, a textarea that grows (Enter
// sends, Shift+Enter breaks the line), emoji, one attachment (uploaded at
// once, the server's refusal shown), snippets with `/`, @mentions in
// comments, and the channel's capabilities shaping what can be sent. The
// draft is kept per conversation in sessionStorage.
import { lazy, Suspense, useEffect, useImperativeHandle, useLayoutEffect, useMemo, useRef, useState, type Ref } from "react";
import * as Popover from "@radix-ui/react-popover";
import { useTranslation } from "react-i18next";
import { AlertTriangle, Lock, MessageSquare, Paperclip, Send, Smile, Sparkles, X, Loader2 } from "lucide-react";
import { api } from "../../../lib/api";
import { useLive } from "../../../lib/liveContext";
import type { AiHelpStatus, Conversation, Media, Snippet, User } from "../../../lib/types";
import { Kbd } from "../../../lib/ui/Kbd";
import {
  clearDraft,
  loadDraft,
  matchesQuery,
  mentionedIDs,
  mentionQuery,
  replaceTrigger,
  saveDraft,
  snippetQuery,
  snippetValues,
  fillVariables,
  type SnippetContext,
  type Person,
  type Trigger,
} from "./composerText";
import type { Capabilities } from "./data";
import { EMOJI } from "./emoji";
import { popoverClass } from "./ui";
import { TemplatePicker, type TemplateChoice } from "./TemplatePicker";
import { MentionOption, mentionMatches as mentionsFor, PickerList, pickerOptionID, PickerOption } from "./pickerList";
import { formatDateTime } from "./time";

// The AI menu's code (streaming, rewrite, translate) loads on first use.
const AIMenu = lazy(() => import("./ai/AIMenu"));

export type Mode = "reply" | "comment";

export interface ComposerHandle {
  focus(mode?: Mode): void;
}

export interface SendRequest {
  kind: "message" | "comment";
  text: string;
  attachments?: string[];
  attachmentName?: string;
  mentions?: number[];
  /** The text came from AI help (even edited): the message is marked. */
  aiAssisted?: boolean;
}

interface Upload {
  name: string;
  media?: Media;
  error?: string;
}

type Picker = { kind: "snippet" | "mention"; trigger: Trigger; index: number } | null;

const PICKER = "composer-picker";

const TYPING_IDLE_MS = 4000;
// While typing goes on, "start" is sent again this often: the others
// forget a notice that is not renewed (the server never ends the notice of
// a tab that went away), as the widget does with its visitor's.
const TYPING_RENEW_MS = 3000;

export function Composer({
  conversation,
  contactName,
  tz = "UTC",
  capabilities,
  users,
  snippets,
  snippetContext,
  aiStatus,
  onSend,
  onSendTemplate,
  onEditLastComment,
  ref,
}: {
  conversation: Conversation;
  contactName: string;
  /** The workspace's time zone, for when the reply window closed. */
  tz?: string;
  capabilities?: Capabilities;
  users: User[];
  snippets: Snippet[];
  /** What a snippet's variables are filled from ({{contact.first_name}}…). */
  snippetContext?: SnippetContext;
  /** What AI help the conversation has (absent: no AI menu). */
  aiStatus?: AiHelpStatus;
  onSend(r: SendRequest): void;
  /** Sends a provider template outside the channel's reply window; it
   * rejects with the server's reason, which the template picker shows.
   * Without it no templates are offered. */
  onSendTemplate?(template: TemplateChoice): Promise<unknown>;
  /** ↑ in an empty internal comment: edit one's last comment; false when there is none. */
  onEditLastComment?(): boolean;
  ref?: Ref<ComposerHandle>;
}) {
  const { t, i18n } = useTranslation();
  const live = useLive();
  const id = conversation.id;
  const initial = useMemo(() => loadDraft(id), [id]);
  const [mode, setMode] = useState<Mode>(initial?.mode ?? "reply");
  const [text, setText] = useState(initial?.text ?? "");
  const [chosen, setChosen] = useState<Person[]>(initial?.mentions ?? []);
  const [upload, setUpload] = useState<Upload | null>(null);
  const [picker, setPicker] = useState<Picker>(null);
  const [emojiOpen, setEmojiOpen] = useState(false);
  const [aiAssisted, setAIAssisted] = useState(initial?.ai ?? false);
  const [aiBusy, setAIBusy] = useState(false);
  const [aiError, setAIError] = useState<string | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const file = useRef<HTMLInputElement>(null);
  const typing = useRef<{ on: boolean; at: number; timer?: ReturnType<typeof setTimeout> }>({ on: false, at: 0 });

  useImperativeHandle(ref, () => ({
    focus(m?: Mode) {
      if (m) setMode(m);
      box.current?.focus();
      requestAnimationFrame(() => box.current?.focus());
    },
  }));

  // The draft follows every change; an empty one is forgotten.
  useEffect(() => {
    saveDraft(id, { text, mode, mentions: chosen, ...(aiAssisted ? { ai: true } : {}) });
  }, [id, text, mode, chosen, aiAssisted]);

  // The textarea grows with its text, up to a third of the screen.
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = Math.min(el.scrollHeight, Math.round(window.innerHeight / 3)) + "px";
  }, [text]);

  const stopTyping = () => {
    const tp = typing.current;
    if (tp.timer) clearTimeout(tp.timer);
    if (tp.on) live.sendTyping(id, "stop");
    tp.on = false;
  };
  const noteTyping = () => {
    const tp = typing.current;
    const now = Date.now();
    if (!tp.on || now - tp.at >= TYPING_RENEW_MS) {
      live.sendTyping(id, "start");
      tp.at = now;
    }
    tp.on = true;
    if (tp.timer) clearTimeout(tp.timer);
    tp.timer = setTimeout(stopTyping, TYPING_IDLE_MS);
  };
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => () => stopTyping(), [id]);

  const allowsMedia = !capabilities || capabilities.attachments.some((a) => a !== "location");
  const maxLen = capabilities?.max_text_length ?? 0;
  // The server counts characters (code points, limit.Len), not the UTF-16
  // units of text.length: an emoji is one character, not two.
  const over = mode === "reply" && maxLen > 0 ? [...text.trim()].length - maxLen : 0;
  // The server says where the channel's window stands (reply_window); a
  // conversation read without it falls back to the capabilities' length.
  const rw = conversation.reply_window;
  const windowSecs = rw?.seconds ?? capabilities?.reply_window_seconds ?? 0;
  const lastIn = conversation.last_incoming_at ? Date.parse(conversation.last_incoming_at) : 0;
  const windowClosed = mode === "reply" && (rw ? !rw.open : windowSecs > 0 && lastIn > 0 && Date.now() - lastIn > windowSecs * 1000);
  // Closed by the server's word: free text is refused, so the box is off.
  const freeTextOff = windowClosed && !!rw;
  const windowTag = mode === "reply" && rw?.open ? rw.tag : undefined;

  const snippetMatches = picker?.kind === "snippet" ? snippets.filter((s) => matchesQuery(s.name, picker.trigger.query)).slice(0, 8) : [];
  const mentionMatches = picker?.kind === "mention" ? mentionsFor(users, picker.trigger.query) : [];
  const options = picker?.kind === "snippet" ? snippetMatches.length : mentionMatches.length;

  const updatePicker = (value: string, caret: number, m: Mode = mode) => {
    const s = snippetQuery(value, caret);
    if (s) return setPicker((p) => ({ kind: "snippet", trigger: s, index: p?.kind === "snippet" ? Math.min(p.index, 7) : 0 }));
    const at = m === "comment" ? mentionQuery(value, caret) : null;
    if (at) return setPicker((p) => ({ kind: "mention", trigger: at, index: p?.kind === "mention" ? Math.min(p.index, 7) : 0 }));
    setPicker(null);
  };

  const insertAt = (insert: string, trigger?: Trigger) => {
    const el = box.current;
    const caret = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? caret;
    const next = trigger
      ? replaceTrigger(text, caret, trigger, insert)
      : { text: text.slice(0, caret) + insert + text.slice(end), caret: caret + insert.length };
    setText(next.text);
    setPicker(null);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(next.caret, next.caret);
    });
  };

  const choose = (i: number) => {
    if (!picker) return;
    if (picker.kind === "snippet") {
      const s = snippetMatches[i];
      if (s) insertAt(snippetContext ? fillVariables(s.text, snippetValues(snippetContext)) : s.text, picker.trigger);
    } else {
      const u = mentionMatches[i];
      if (u) {
        setChosen((c) => [...c.filter((p) => p.id !== u.id), { id: u.id, name: u.name }]);
        insertAt("@" + u.name + " ", picker.trigger);
      }
    }
  };

  const replyClosed = mode === "reply" && conversation.status === "closed";
  const canSend =
    !aiBusy &&
    !replyClosed && !freeTextOff && (text.trim() !== "" || (mode === "reply" && !!upload?.media)) && over <= 0 && !(upload && !upload.media && !upload.error);

  const send = () => {
    if (!canSend) return;
    const body = text.trim();
    if (mode === "reply") {
      onSend({
        kind: "message",
        text: body,
        ...(upload?.media ? { attachments: [upload.media.id], attachmentName: upload.media.file_name } : {}),
        ...(aiAssisted ? { aiAssisted: true } : {}),
      });
    } else {
      onSend({ kind: "comment", text: body, mentions: mentionedIDs(body, chosen) });
    }
    stopTyping();
    setText("");
    setChosen([]);
    setUpload(null);
    setPicker(null);
    setAIAssisted(false);
    setAIError(null);
    clearDraft(id);
  };

  const onKeyDown = (e: React.KeyboardEvent<HTMLTextAreaElement>) => {
    if (picker && options > 0) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        const d = e.key === "ArrowDown" ? 1 : -1;
        setPicker({ ...picker, index: (picker.index + d + options) % options });
        return;
      }
      if (e.key === "Enter" || e.key === "Tab") {
        e.preventDefault();
        choose(picker.index);
        return;
      }
    }
    if (picker && e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      setPicker(null);
      return;
    }
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
      return;
    }
    if (e.key === "ArrowUp" && mode === "comment" && text === "" && onEditLastComment?.()) e.preventDefault();
  };

  const pickFile = async (f: File) => {
    setUpload({ name: f.name });
    const form = new FormData();
    form.append("file", f, f.name);
    try {
      const media = await api.post<Media>("/api/v1/media", form);
      setUpload((u) => (u && u.name === f.name ? { name: f.name, media } : u));
    } catch (err) {
      setUpload((u) => (u && u.name === f.name ? { name: f.name, error: (err as Error).message } : u));
    }
  };

  const switchMode = (m: Mode) => {
    setMode(m);
    if (m === "comment") {
      setUpload(null);
      stopTyping();
    }
    updatePicker(text, box.current?.selectionStart ?? text.length, m);
    requestAnimationFrame(() => box.current?.focus());
  };

  const comment = mode === "comment";
  return (
    <div data-testid="composer" className="border-line bg-bg @container border-t px-4 pt-2 pb-3">
      <div className="mb-2 flex items-center gap-1" role="group" aria-label={t("conversation.composer.label")}>
        <button
          type="button"
          data-testid="mode-reply"
          aria-pressed={!comment}
          onClick={() => switchMode("reply")}
          className={"inline-flex items-center gap-1 rounded-md px-2 py-1 text-sm " + (!comment ? "bg-selected text-fg font-medium" : "text-muted hover:bg-hover")}
        >
          <MessageSquare size={14} aria-hidden="true" />
          {t("conversation.composer.reply")}
          <Kbd>R</Kbd>
        </button>
        <button
          type="button"
          data-testid="mode-comment"
          aria-pressed={comment}
          onClick={() => switchMode("comment")}
          className={"inline-flex items-center gap-1 rounded-md px-2 py-1 text-sm " + (comment ? "bg-note text-fg font-medium" : "text-muted hover:bg-hover")}
        >
          <Lock size={14} aria-hidden="true" />
          {t("conversation.composer.comment")}
          <Kbd>C</Kbd>
        </button>
      </div>
      {replyClosed && (
        <p role="note" className="text-muted mb-2 text-xs">
          {t("conversation.composer.closedNotice")}
        </p>
      )}
      {windowClosed && !rw && (
        <p role="note" className="text-warning mb-2 flex items-start gap-1 text-xs">
          <AlertTriangle size={13} aria-hidden="true" className="mt-0.5 shrink-0" />
          {t("conversation.composer.windowClosed", { hours: Math.round(windowSecs / 3600) })}
        </p>
      )}
      {windowClosed && rw && (
        <div role="note" data-testid="reply-window-closed" className="border-warning/50 bg-subtle mb-2 flex flex-wrap items-center gap-2 rounded-md border px-2 py-1.5 text-xs">
          <AlertTriangle size={13} aria-hidden="true" className="text-warning shrink-0" />
          <span className="min-w-0 flex-1">
            {rw.closes_at
              ? t(rw.rule === "template" ? "conversation.composer.windowClosedAtTemplates" : "conversation.composer.windowClosedAtNone", {
                  time: formatDateTime(rw.closes_at, i18n.language, tz),
                  name: contactName,
                })
              : t(rw.rule === "template" ? "conversation.composer.windowNeverTemplates" : "conversation.composer.windowNeverNone", { name: contactName })}
          </span>
          {rw.rule === "template" && onSendTemplate && (
            <TemplatePicker channelID={conversation.channel_id} onSend={onSendTemplate} />
          )}
        </div>
      )}
      {!comment && aiAssisted && (
        <p role="note" data-testid="ai-assisted" className="text-muted mb-2 flex items-center gap-1 text-xs">
          <Sparkles size={13} aria-hidden="true" className="text-accent shrink-0" />
          <span className="text-fg font-medium">{t("aiHelp.written")}</span>
          <span>· {t("aiHelp.writtenHint")}</span>
        </p>
      )}
      {aiError && (
        <p role="alert" data-testid="ai-error" className="text-danger mb-2 flex items-start gap-1 text-xs">
          <AlertTriangle size={13} aria-hidden="true" className="mt-0.5 shrink-0" />
          <span className="min-w-0 flex-1">{aiError}</span>
          <button type="button" onClick={() => setAIError(null)} aria-label={t("app.close")} className="hover:bg-hover rounded">
            <X size={12} />
          </button>
        </p>
      )}
      {windowTag && (
        <p role="note" data-testid="reply-window-tag" className="text-muted mb-2 text-xs">
          {t("conversation.composer.windowTag", { tag: windowTag })}
        </p>
      )}
      <Popover.Root open={!!picker} onOpenChange={(o) => !o && setPicker(null)}>
        <Popover.Anchor asChild>
          <div
            className={
              "rounded-lg border focus-within:ring-2 " +
              (comment ? "bg-note border-warning/50 focus-within:ring-warning/40" : "border-line bg-bg focus-within:ring-accent/40")
            }
          >
            <textarea
              ref={box}
              rows={2}
              value={text}
              disabled={freeTextOff}
              aria-label={comment ? t("conversation.composer.commentLabel") : t("conversation.composer.textLabel")}
              aria-autocomplete="list"
              aria-controls={picker ? PICKER : undefined}
              aria-activedescendant={picker && options > 0 ? pickerOptionID(PICKER, picker.index) : undefined}
              placeholder={comment ? t("conversation.composer.commentPlaceholder") : t("conversation.composer.replyPlaceholder", { name: contactName })}
              readOnly={aiBusy}
              onChange={(e) => {
                setText(e.target.value);
                // Cleared: what is typed next is the agent's own.
                if (!e.target.value.trim()) setAIAssisted(false);
                updatePicker(e.target.value, e.target.selectionStart);
                // Only a reply is announced: a comment never reaches the
                // contact (a widget visitor is shown the team typing).
                if (e.target.value && !comment) noteTyping();
                else stopTyping();
              }}
              onKeyDown={onKeyDown}
              onClick={(e) => updatePicker(text, e.currentTarget.selectionStart)}
              onBlur={stopTyping}
              style={{ outline: "none" }}
              className="placeholder:text-muted block max-h-[33vh] w-full resize-none bg-transparent px-3 py-2 text-sm"
            />
            {upload && (
              <div className="flex items-center gap-2 px-3 pb-2 text-xs">
                <span
                  className={
                    "inline-flex max-w-full items-center gap-1 rounded border px-2 py-0.5 " +
                    (upload.error ? "border-danger text-danger" : "border-line bg-subtle")
                  }
                >
                  {!upload.media && !upload.error ? <Loader2 size={12} className="animate-spin" aria-hidden="true" /> : <Paperclip size={12} aria-hidden="true" />}
                  <span className="truncate">
                    {upload.error
                      ? t("conversation.composer.uploadFailed", { name: upload.name, message: upload.error })
                      : upload.media
                        ? upload.name
                        : t("conversation.composer.uploading", { name: upload.name })}
                  </span>
                  <button
                    type="button"
                    onClick={() => setUpload(null)}
                    aria-label={t("conversation.composer.removeAttachment", { name: upload.name })}
                    className="hover:bg-hover rounded"
                  >
                    <X size={12} />
                  </button>
                </span>
              </div>
            )}
            <div className="flex items-center gap-1 px-2 pb-2">
              <Popover.Root open={emojiOpen} onOpenChange={setEmojiOpen}>
                <Popover.Trigger asChild>
                  <button type="button" aria-label={t("conversation.composer.emoji")} title={t("conversation.composer.emoji")} className="text-muted hover:bg-hover rounded p-1.5">
                    <Smile size={16} />
                  </button>
                </Popover.Trigger>
                <Popover.Portal>
                  <Popover.Content side="top" align="start" sideOffset={6} className={popoverClass + " grid grid-cols-8 gap-0.5 p-2"} aria-label={t("conversation.composer.emoji")}>
                    {EMOJI.map((e) => (
                      <button
                        key={e}
                        type="button"
                        aria-label={e}
                        onClick={() => {
                          setEmojiOpen(false);
                          insertAt(e);
                        }}
                        className="hover:bg-hover rounded p-1 text-lg leading-none"
                      >
                        {e}
                      </button>
                    ))}
                  </Popover.Content>
                </Popover.Portal>
              </Popover.Root>
              {!comment && allowsMedia && (
                <>
                  <button
                    type="button"
                    aria-label={t("conversation.composer.attach")}
                    title={t("conversation.composer.attach")}
                    onClick={() => file.current?.click()}
                    className="text-muted hover:bg-hover rounded p-1.5"
                  >
                    <Paperclip size={16} />
                  </button>
                  <input
                    ref={file}
                    type="file"
                    hidden
                    aria-label={t("conversation.composer.attach")}
                    data-testid="composer-file"
                    onChange={(e) => {
                      const f = e.target.files?.[0];
                      if (f) void pickFile(f);
                      e.target.value = "";
                    }}
                  />
                </>
              )}
              {!comment && aiStatus && (
                <Suspense fallback={<span className="inline-block w-10" />}>
                  <AIMenu
                    conversationID={id}
                    status={aiStatus}
                    text={text}
                    busy={aiBusy}
                    disabled={replyClosed || freeTextOff}
                    onBusy={setAIBusy}
                    onError={setAIError}
                    onText={(next) => {
                      setText(next);
                      setAIAssisted(true);
                    }}
                  />
                </Suspense>
              )}
              <span className="text-muted hidden min-w-0 flex-1 truncate px-1 text-xs @xl:inline">
                {comment ? t("conversation.composer.commentHint") : t("conversation.composer.replyHint")}
              </span>
              <span className="flex-1 @xl:hidden" />
              {over > 0 && <span className="text-danger text-xs">{t("conversation.composer.tooLong", { count: over })}</span>}
              <button
                type="button"
                data-testid="send"
                onClick={send}
                disabled={!canSend}
                className={
                  "inline-flex items-center gap-1 rounded-md px-3 py-1 text-sm font-medium disabled:opacity-40 " +
                  (comment ? "bg-warning text-bg" : "bg-accent text-accent-fg")
                }
              >
                <Send size={14} aria-hidden="true" />
                {comment ? t("conversation.composer.sendComment") : t("conversation.composer.send")}
              </button>
            </div>
          </div>
        </Popover.Anchor>
        <PickerList
          id={PICKER}
          side="top"
          className="w-96"
          label={picker?.kind === "snippet" ? t("conversation.composer.snippets") : t("conversation.composer.mentions")}
          empty={options > 0 ? undefined : picker?.kind === "snippet" ? t("conversation.composer.noSnippets") : t("conversation.composer.noMentions")}
        >
          {picker?.kind === "snippet" &&
            snippetMatches.map((s, i) => (
              <PickerOption key={s.id} listID={PICKER} index={i} selected={i === picker.index} onChoose={choose}>
                <span className="font-medium">/{s.name}</span>
                <span className="text-muted block truncate text-xs">{s.text}</span>
              </PickerOption>
            ))}
          {picker?.kind === "mention" &&
            mentionMatches.map((u, i) => <MentionOption key={u.id} user={u} listID={PICKER} index={i} selected={i === picker.index} onChoose={choose} />)}
        </PickerList>
      </Popover.Root>
    </div>
  );
}
