// ConversationPane: the open conversation — its header and actions, the
// timeline, the composer — with the contact panel beside it (collapsible).
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import * as Tooltip from "@radix-ui/react-tooltip";
import { useTranslation } from "react-i18next";
import { Link, useLocation, useNavigate, useParams } from "react-router";
import { AlarmClock, ArchiveRestore, CheckCircle2, ChevronDown, CircleDot, PanelRightClose, PanelRightOpen, UserMinus, Users } from "lucide-react";
import { api, ApiError, type Page } from "../../../lib/api";
import { qk } from "../../../lib/queryKeys";
import { useLive } from "../../../lib/liveContext";
import { useMe } from "../../../lib/session";
import { useShortcuts } from "../../../lib/shortcuts";
import { Avatar } from "../../../lib/ui/Avatar";
import { useToast } from "../../../lib/ui/toast";
import type { Comment, ContactDetail, Conversation, Message } from "../../../lib/types";
import { ContactPanel, contactDisplayName } from "../contact/ContactPanel";
import { RatingBadge } from "./RatingBadge";
import { AssignPopover, CloseDialog, ShortcutsMenu, useUnassign, useUnsnooze } from "./actions";
import { SnoozePopover } from "./snooze";
import { Composer, type ComposerHandle, type SendRequest } from "./Composer";
import {
  addMessage,
  addNewest,
  capabilitiesOf,
  patchMessages,
  useChannels,
  useChannelTypes,
  useComments,
  useConversation,
  useEvents,
  useMessages,
  useShortcutList,
  useSnippets,
  useTeams,
  useUsers,
  useWorkflowNames,
  type MessagePages,
} from "./data";
import type { Names } from "./eventText";
import { formatDateTime, validTimeZone } from "./time";
import { mergeMessages } from "./follow";
import { useCommentActions } from "./useCommentActions";
import type { SidePages } from "./timelineWindow";
import { mergeTimeline, sideSince, type LocalMessage } from "./timeline";
import type { TemplateChoice } from "./TemplatePicker";
import { Timeline } from "./Timeline";
import { TipButton } from "./ui";
import { TranscriptButton } from "./TranscriptButton";
import type { TimelineFocus } from "./timelineFocus";
import { useConversationCommands } from "./useConversationCommands";
import { useAIHelp } from "./ai/aiHelp";

const PANEL_KEY = "switchboard.contactPanel";
let localSeq = 0;
/** Retry of a failed message: false once the server said it has no such route. */
let retryAvailable = true;

/**
 * ConversationPane shows a conversation; focus, a message or an internal
 * comment a search found in it, is brought into view and marked, the
 * search's words (focusWords, folded) marked in its text.
 */
export function ConversationPane({ conversationID, focus, focusWords }: {
  conversationID: number;
  focus?: TimelineFocus | null;
  focusWords?: string[];
}) {
  return (
    <Tooltip.Provider delayDuration={400}>
      <Pane key={conversationID} id={conversationID} focus={focus} focusWords={focusWords} />
    </Tooltip.Provider>
  );
}

function Pane({ id, focus, focusWords }: { id: number; focus?: TimelineFocus | null; focusWords?: string[] }) {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const tz = validTimeZone(me.workspace.timezone);
  const conv = useConversation(id);
  const live = useLive();
  const messages = useMessages(id, live.subscribe);
  const users = useUsers();
  const teams = useTeams();
  const channels = useChannels();
  const channelTypes = useChannelTypes();
  const snippets = useSnippets();
  const shortcuts = useShortcutList();
  const workflows = useWorkflowNames(me.role !== "agent");
  const aiHelp = useAIHelp(id);
  const qc = useQueryClient();
  const toast = useToast();
  const navigate = useNavigate();
  const { view = "all" } = useParams();
  // The list's choices stay in the query of every link within the view.
  const { search } = useLocation();
  const composer = useRef<ComposerHandle>(null);
  const [local, setLocal] = useState<LocalMessage[]>([]);
  const [assignOpen, setAssignOpen] = useState(false);
  const [closeOpen, setCloseOpen] = useState(false);
  const [snoozeOpen, setSnoozeOpen] = useState(false);
  const [, setRetryTick] = useState(0);
  // Open unless the person closed it; on a narrow screen closed unless they opened it.
  const [panel, setPanel] = useState(() => {
    const saved = localStorage.getItem(PANEL_KEY);
    return saved ? saved === "open" : window.innerWidth >= 1280;
  });
  const togglePanel = useCallback(() => {
    setPanel((p) => {
      localStorage.setItem(PANEL_KEY, p ? "closed" : "open");
      return !p;
    });
  }, []);

  const c = conv.data;
  const userList = useMemo(() => users.data?.data ?? [], [users.data]);
  const userMap = useMemo(() => new Map(userList.map((u) => [u.id, u])), [userList]);
  const teamMap = useMemo(() => new Map((teams.data?.data ?? []).map((x) => [x.id, x])), [teams.data]);
  const workflowMap = useMemo(() => {
    const m = new Map<number, string>();
    for (const s of shortcuts.data ?? []) m.set(s.id, s.name);
    for (const w of workflows.data ?? []) m.set(w.id, w.name);
    return m;
  }, [shortcuts.data, workflows.data]);
  const channel = channels.data?.data.find((x) => x.id === c?.channel_id);
  const capabilities = capabilitiesOf(channel, channelTypes.data?.items);
  const contact = useQuery({
    queryKey: qk.contact(c?.contact_id ?? 0),
    queryFn: () => api.get<ContactDetail>(`/api/v1/contacts/${c!.contact_id}`),
    enabled: !!c,
  });
  const contactName =
    c?.contact_name || (contact.data && contactDisplayName(contact.data)) || t("conversation.unknownContact", { id: c?.contact_id ?? "?" });

  const names: Names = useMemo(
    () => ({
      user: (uid) => (uid ? userMap.get(uid)?.name : undefined),
      team: (tid) => (tid ? teamMap.get(tid)?.name : undefined),
      workflow: (wid) => (wid ? workflowMap.get(wid) : undefined),
      contact: contactName,
      channel: channel?.name,
      time: (iso) => formatDateTime(iso, i18n.language, tz),
    }),
    [userMap, teamMap, workflowMap, contactName, channel?.name, i18n.language, tz],
  );

  // While older messages remain unread, comments and events before the
  // oldest message shown wait for their page (mergeTimeline's since); they
  // are read newest first as far back as it (reach), all once every
  // message is shown.
  const since = sideSince(messages.data, !!messages.hasNextPage);
  const reach = messages.isSuccess ? (since ?? null) : undefined;
  const comments = useComments(id, reach, live.subscribe);
  const events = useEvents(id, reach, live.subscribe);
  const items = useMemo(
    () => mergeTimeline({ messages: messages.data, comments: comments.data, events: events.data, local, conversationID: id, since }),
    [messages.data, comments.data, events.data, local, id, since],
  );
  // A local message or comment whose server copy the lists held has
  // served: it goes, or it would show again, pending, once that copy left
  // (a comment deleted, a message out of the pages kept).
  useEffect(() => {
    const served = (l: LocalMessage) => l.serverID !== undefined && items.some((i) => i.key === (l.kind === "message" ? "m" : "c") + l.serverID);
    if (local.some(served)) setLocal((all) => all.filter((l) => !served(l)));
  }, [items, local]);
  const { fetchNextPage, isFetchingNextPage } = messages;
  const older = useMemo(
    () => ({
      more: !!messages.hasNextPage,
      loading: isFetchingNextPage,
      failed: messages.isFetchNextPageError,
      load: () => {
        if (!isFetchingNextPage) void fetchNextPage({ cancelRefetch: false });
      },
    }),
    [messages.hasNextPage, isFetchingNextPage, messages.isFetchNextPageError, fetchNextPage],
  );

  // Read when opened, and again when the contact writes while it is in view.
  const lastIn = useMemo(() => {
    let n = 0;
    for (const m of messages.data ?? []) if (m.direction === "in" && m.id > n) n = m.id;
    return n;
  }, [messages.data]);
  const readUpTo = useRef(-1);
  useEffect(() => {
    if (!me.user || !c) return;
    const mark = () => {
      if (document.visibilityState !== "visible" || readUpTo.current >= lastIn) return;
      // On opening, the inbox already put the row's unread state right; a
      // message that arrives while the conversation is in view refreshes it.
      const opening = readUpTo.current < 0;
      readUpTo.current = lastIn;
      api
        .post(`/api/v1/conversations/${id}/read`)
        .then(() => {
          if (!opening) void qc.invalidateQueries({ queryKey: qk.conversations });
          // The server read what the bell told of this conversation too.
          void qc.invalidateQueries({ queryKey: qk.notifications });
        })
        .catch(() => {});
    };
    mark();
    document.addEventListener("visibilitychange", mark);
    return () => document.removeEventListener("visibilitychange", mark);
  }, [id, lastIn, !!c, me.user, qc]);

  // Sending: the item shows at once as pending; the server's copy replaces it.
  const deliver = useCallback(
    async (l: LocalMessage) => {
      const patch = (p: Partial<LocalMessage>) => setLocal((all) => all.map((x) => (x.localID === l.localID ? { ...x, ...p } : x)));
      try {
        if (l.kind === "message") {
          const m = await api.post<Message>(`/api/v1/conversations/${id}/messages`, {
            text: l.text,
            ...(l.attachments?.length ? { attachments: l.attachments } : {}),
            ...(l.aiAssisted ? { ai_assisted: true } : {}),
          });
          // The server's copy goes on the newest page; its status follows
          // in the socket's events (useMessages follows them), so the
          // pages are not read again.
          qc.setQueryData<MessagePages>(qk.messages(id), (old) => addMessage(old, m));
          patch({ serverID: m.id });
          void qc.invalidateQueries({ queryKey: qk.conversations });
        } else {
          const cm = await api.post<Comment>(`/api/v1/conversations/${id}/comments`, { text: l.text, mentions: l.mentions ?? [] });
          qc.setQueryData<SidePages<Comment>>(qk.comments(id), (old) => addNewest(old, cm));
          patch({ serverID: cm.id });
        }
      } catch (e) {
        patch({ status: "failed", error: (e as Error).message });
      }
    },
    [id, qc],
  );
  // The newest message and comment ids the tab has, for what it sends next (LocalMessage.after).
  const newest = useRef({ message: 0, comment: 0 });
  newest.current = {
    message: (messages.data ?? []).reduce((n, m) => Math.max(n, m.id), 0),
    comment: (comments.data ?? []).reduce((n, c) => Math.max(n, c.id), 0),
  };
  const onSend = useCallback(
    (r: SendRequest) => {
      const l: LocalMessage = {
        localID: `${id}-${++localSeq}`,
        kind: r.kind,
        text: r.text,
        createdAt: new Date().toISOString(),
        status: "pending",
        attachments: r.attachments,
        mentions: r.mentions,
        aiAssisted: r.aiAssisted,
        userID: me.user?.id,
        after: newest.current[r.kind],
      };
      setLocal((all) => [...all, l]);
      void deliver(l);
    },
    [id, deliver, me.user?.id],
  );
  // A template waits for the server rather than showing as pending: the
  // server checks it against the channel's templates and stores the text
  // it renders, and a refusal goes back to the picker, which keeps what
  // was typed and shows why.
  const onSendTemplate = useCallback(
    async (template: TemplateChoice) => {
      const m = await api.post<Message>(`/api/v1/conversations/${id}/messages`, { type: "template", content: { type: "template", ...template } });
      qc.setQueryData<MessagePages>(qk.messages(id), (old) => addMessage(old, m));
      void qc.invalidateQueries({ queryKey: qk.conversations });
    },
    [id, qc],
  );
  const onResend = useCallback(
    (localID: string) => {
      const l = local.find((x) => x.localID === localID);
      if (!l) return;
      const again = { ...l, status: "pending" as const, error: undefined, createdAt: new Date().toISOString() };
      setLocal((all) => all.map((x) => (x.localID === localID ? again : x)));
      void deliver(again);
    },
    [local, deliver],
  );
  const onDiscard = useCallback((localID: string) => setLocal((all) => all.filter((x) => x.localID !== localID)), []);
  const onRetry = useCallback(
    async (m: Message) => {
      const key = qk.messages(id);
      const before = qc.getQueryData<MessagePages>(key);
      qc.setQueryData<MessagePages>(key, (old) => patchMessages(old, (x) => (x.id === m.id ? { ...x, status: "pending", failure_reason: undefined } : x)));
      try {
        const again = await api.post<Message>(`/api/v1/messages/${m.id}/retry`);
        qc.setQueryData<MessagePages>(key, (old) => mergeMessages(old, [again]));
      } catch (e) {
        qc.setQueryData(key, before);
        if (e instanceof ApiError && (e.status === 404 || e.status === 405)) {
          retryAvailable = false;
          setRetryTick((n) => n + 1);
        } else {
          toast(t("conversation.actions.failed", { message: (e as Error).message }));
        }
      }
    },
    [id, qc, toast, t],
  );

  const { onEditComment, onDeleteComment, onEditLastComment, editingComment, editingStarted, editingEnded } = useCommentActions(
    id,
    items,
    names,
    me.user?.id,
    composer,
  );

  const canAct = !!c && c.status !== "closed";
  const actions = useMemo(
    () => ({
      reply: () => composer.current?.focus("reply"),
      comment: () => composer.current?.focus("comment"),
      assign: () => canAct && setAssignOpen(true),
      close: () => canAct && setCloseOpen(true),
      snooze: () => canAct && setSnoozeOpen(true),
      togglePanel,
    }),
    [canAct, togglePanel],
  );
  useShortcuts([
    { key: "r", handler: actions.reply },
    { key: "c", handler: actions.comment },
    { key: "a", handler: actions.assign },
    { key: "e", handler: actions.close },
    { key: "s", handler: actions.snooze },
  ]);
  useConversationCommands(id, actions, canAct);

  const typingNames = [...(live.typing.get(id) ?? [])].map((u) => userMap.get(u)?.name).filter(Boolean) as string[];
  // A notice without a user is the contact's (the website widget's visitor typing).
  const contactTyping = live.typing.get(id)?.has(0) ?? false;

  if (conv.isError) {
    // Missing, or not the person's to see (the same answer): the 404 page,
    // and nothing of the conversation.
    if (conv.error instanceof ApiError && conv.error.status === 404) {
      return (
        <section data-testid="not-found" className="flex flex-1 flex-col items-center justify-center gap-3 p-10 text-center">
          <h2 className="text-xl font-semibold">{t("conversation.notFoundTitle")}</h2>
          <p className="text-muted">{t("conversation.notFound")}</p>
          <Link to={{ pathname: `/inbox/${view}`, search }} className="text-accent underline">
            {t("conversation.backToList")}
          </Link>
        </section>
      );
    }
    return (
      <section className="flex flex-1 flex-col items-center justify-center gap-3">
        <p className="text-muted text-sm" role="alert">
          {t("conversation.loadFailed")}
        </p>
        <button type="button" onClick={() => void conv.refetch()} className="border-line hover:bg-hover rounded border px-3 py-1 text-sm">
          {t("conversation.timeline.retry")}
        </button>
      </section>
    );
  }
  if (!c) {
    return (
      <section data-testid="conversation" data-conversation-id={id} aria-busy="true" aria-label={t("conversation.loading")} className="flex flex-1 flex-col">
        <div className="border-line h-16 border-b" />
        <div className="flex flex-1 flex-col gap-4 p-6">
          {[60, 40, 70, 30].map((w, i) => (
            <div key={i} className={"bg-subtle h-10 animate-pulse rounded-2xl " + (i % 2 ? "self-end" : "")} style={{ width: `${w}%` }} />
          ))}
        </div>
      </section>
    );
  }

  const assignee = c.assignee_id ? userMap.get(c.assignee_id) : undefined;
  const team = c.team_id ? teamMap.get(c.team_id) : undefined;
  return (
    <section data-testid="conversation" data-conversation-id={id} data-status={c.status} aria-label={contactName} className="flex min-w-0 flex-1">
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="border-line flex flex-wrap items-center gap-x-3 gap-y-2 border-b px-4 py-2.5">
          <div className="flex min-w-[9rem] flex-1 items-center gap-3">
            <Avatar name={contactName} size={34} />
            <div className="min-w-0 flex-1">
              <h2 className="truncate text-base font-semibold">{contactName}</h2>
              <p className="text-muted flex min-w-0 items-center gap-1.5 text-xs">
                <StatusBadge c={c} tz={tz} />
                {c.satisfaction && <RatingBadge satisfaction={c.satisfaction} />}
                <span className="truncate">
                  {channel?.name ?? ""}
                  {channel && " · "}#{c.id}
                </span>
              </p>
            </div>
          </div>
          <div className="ml-auto flex flex-wrap items-center gap-1.5" role="toolbar" aria-label={t("conversation.header.actions")}>
            {canAct ? (
              <AssignPopover conversation={c} open={assignOpen} onOpenChange={setAssignOpen}>
                <TipButton
                  tip={t("conversation.actions.assign")}
                  shortcut="a"
                  data-testid="action-assign"
                  namedByContent
                  className="max-w-48"
                >
                  <span className="sr-only">{t("conversation.actions.assign")}: </span>
                  {assignee ? <Avatar name={assignee.name} size={18} /> : <Users size={15} aria-hidden="true" />}
                  <span className="truncate">
                    {assignee?.name ?? t("conversation.header.unassigned")}
                    {team && <span className="text-muted"> · {team.name}</span>}
                  </span>
                  <ChevronDown size={14} aria-hidden="true" className="text-muted" />
                </TipButton>
              </AssignPopover>
            ) : (
              <span className="text-muted flex items-center gap-1 px-2 text-sm">
                {assignee ? <Avatar name={assignee.name} size={18} /> : null}
                {assignee?.name ?? t("conversation.header.unassigned")}
                {team && <span> · {team.name}</span>}
              </span>
            )}
            {canAct && c.assignee_id ? (
              <UnassignButton c={c} />
            ) : null}
            {c.status === "snoozed" && <UnsnoozeButton c={c} />}
            {canAct && (
              <SnoozePopover conversation={c} open={snoozeOpen} onOpenChange={setSnoozeOpen}>
                <TipButton tip={t("conversation.actions.snooze")} shortcut="s" data-testid="action-snooze">
                  <AlarmClock size={15} aria-hidden="true" />
                </TipButton>
              </SnoozePopover>
            )}
            <ShortcutsMenu conversation={c} />
            {canAct ? (
              <TipButton
                tip={t("conversation.actions.close")}
                shortcut="e"
                data-testid="action-close"
                onClick={() => setCloseOpen(true)}
                primary
              >
                <CheckCircle2 size={15} aria-hidden="true" />
                {t("conversation.actions.close")}
              </TipButton>
            ) : (
              <ReopenButton c={c} view={view} onOpened={(nid) => navigate({ pathname: `/inbox/${view}/${nid}`, search })} />
            )}
            <TranscriptButton conversation={c} contactName={contactName} names={names} tz={tz} />
            <TipButton
              tip={t("conversation.actions.togglePanel")}
              aria-pressed={panel}
              aria-controls="contact-panel"
              data-testid="toggle-contact-panel"
              onClick={togglePanel}
            >
              {panel ? <PanelRightClose size={15} aria-hidden="true" /> : <PanelRightOpen size={15} aria-hidden="true" />}
            </TipButton>
          </div>
        </header>
        <Timeline
          items={items}
          names={names}
          tz={tz}
          contactName={contactName}
          myID={me.user?.id}
          onEditComment={onEditComment}
          users={userList}
          onDeleteComment={onDeleteComment}
          canDeleteAnyComment={me.role === "owner" || me.role === "manager"}
          editingComment={editingComment}
          onEditingStarted={editingStarted}
          onEditingEnded={editingEnded}
          canRetry={retryAvailable}
          onRetry={onRetry}
          onResend={onResend}
          onDiscard={onDiscard}
          aiModel={aiHelp.data?.model}
          older={older}
          reading={messages.isPending}
          focus={focus}
          focusWords={focusWords}
          footer={
            <p aria-live="polite" className="text-muted h-5 px-5 text-xs italic">
              {typingNames.length > 0 &&
                t(typingNames.length > 1 ? "conversation.timeline.typingMany" : "conversation.timeline.typing", { names: typingNames.join(", ") })}
              {typingNames.length === 0 && contactTyping && t("conversation.timeline.contactTyping", { name: contactName })}
            </p>
          }
        />
        <Composer
          ref={composer}
          conversation={c}
          contactName={contactName}
          tz={tz}
          capabilities={capabilities}
          users={userList}
          snippets={snippets.data?.data ?? []}
          snippetContext={{
            contact: contact.data,
            contactName,
            conversationID: c.id,
            agent: me.user,
            assigneeName: c.assignee_id ? userMap.get(c.assignee_id)?.name : "",
          }}
          aiStatus={aiHelp.data}
          onSend={onSend}
          onSendTemplate={onSendTemplate}
          onEditLastComment={onEditLastComment}
        />
        {canAct && <CloseDialog conversation={c} open={closeOpen} onOpenChange={setCloseOpen} />}
      </div>
      {panel && <ContactPanel contactID={c.contact_id} conversationID={c.id} view={view} />}
    </section>
  );
}

function StatusBadge({ c, tz }: { c: Conversation; tz: string }) {
  const { t, i18n } = useTranslation();
  const cls =
    c.status === "open"
      ? "text-success border-success/40"
      : c.status === "snoozed"
        ? "text-warning border-warning/40"
        : "text-muted border-line";
  const Icon = c.status === "open" ? CircleDot : c.status === "snoozed" ? AlarmClock : CheckCircle2;
  const label =
    c.status === "snoozed" && c.snoozed_until
      ? t("conversation.status.snoozedUntil", { until: formatDateTime(c.snoozed_until, i18n.language, tz) })
      : t(`conversation.status.${c.status}`);
  return (
    <span data-testid="conversation-status" className={"inline-flex shrink-0 items-center gap-1 rounded-full border px-1.5 py-px text-[11px] " + cls}>
      <Icon size={11} aria-hidden="true" />
      {label}
    </span>
  );
}

function UnassignButton({ c }: { c: Conversation }) {
  const { t } = useTranslation();
  const unassign = useUnassign(c);
  return (
    <TipButton tip={t("conversation.actions.unassign")} data-testid="action-unassign" onClick={() => unassign.mutate()}>
      <UserMinus size={15} aria-hidden="true" />
    </TipButton>
  );
}

function UnsnoozeButton({ c }: { c: Conversation }) {
  const { t } = useTranslation();
  const unsnooze = useUnsnooze(c);
  return (
    <TipButton tip={t("conversation.actions.unsnooze")} data-testid="action-unsnooze" onClick={() => unsnooze.mutate()}>
      <AlarmClock size={15} aria-hidden="true" />
      {t("conversation.actions.unsnooze")}
    </TipButton>
  );
}

function ReopenButton({ c, onOpened }: { c: Conversation; view: string; onOpened(id: number): void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const reopen = async () => {
    setBusy(true);
    try {
      const n = await api.post<Conversation>("/api/v1/conversations", { contact_id: c.contact_id, ...(c.channel_id ? { channel_id: c.channel_id } : {}) });
      void qc.invalidateQueries({ queryKey: qk.conversations });
      void qc.invalidateQueries({ queryKey: qk.contactConversations(c.contact_id) });
      onOpened(n.id);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        // One is open already: go to it.
        const open = await api
          .get<Page<Conversation>>(`/api/v1/contacts/${c.contact_id}/conversations`, { status: "open", limit: 1 })
          .catch(() => null);
        const found = open?.data[0];
        if (found) {
          toast(t("conversation.actions.reopenExists"), "info");
          onOpened(found.id);
          return;
        }
      }
      toast(t("conversation.actions.failed", { message: (e as Error).message }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <TipButton tip={t("conversation.actions.reopen")} data-testid="action-reopen" disabled={busy} onClick={() => void reopen()}>
      <ArchiveRestore size={15} aria-hidden="true" />
      {t("conversation.actions.reopen")}
    </TipButton>
  );
}
