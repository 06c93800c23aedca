// TestPanel: chat with the workflow as a test contact beside the canvas
// (POST /api/v1/workflows/{id}/test…). The tester's messages take the
// channels' real receive path through the built-in test channel, so the
// workflow runs for real (its published version, even while stopped); the
// workflow's messages come back here live, questions with their options as
// buttons. The run's path is highlighted on the canvas (onRun) and follows
// the run as live events for the test conversation arrive.
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Play, RotateCcw, Send } from "lucide-react";
import { api, ApiError } from "../../../lib/api";
import { qk } from "../../../lib/queryKeys";
import { useLive } from "../../../lib/liveContext";
import { useToast } from "../../../lib/ui/toast";
import type { Workflow } from "../../../lib/types";
import { runQueryKey } from "../editor/EditorPage";
import { answerable, assignmentOf, concerns, repliesOf, statusOf, type Message, type Session } from "./logic";

export interface TestPanelProps {
  workflowID: number;
  workflow: Workflow;
  /** Highlights a run's path on the canvas (null: none). */
  onRun(runID: number | null): void;
}

/** testQueryKey is the key of the caller's test session of a workflow. */
export function testQueryKey(workflowID: number) {
  return [...qk.workflows, String(workflowID), "test"] as const;
}

export function TestPanel({ workflowID, workflow, onRun }: TestPanelProps) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const live = useLive();
  const key = testQueryKey(workflowID);
  const base = `/api/v1/workflows/${workflowID}/test`;
  const session = useQuery({
    queryKey: key,
    queryFn: async () => {
      const s = await api.get<Session>(base);
      // Opening the panel makes the tester's test contact, once.
      return !s.started && s.published_version ? api.post<Session>(base) : s;
    },
  });
  const s = session.data;
  const runID = s?.run?.id ?? null;

  // A publish or a save made beside the panel changes what it tests (the
  // version, "publish first", whether the draft differs): ask again.
  const changed = `${workflow.published_version}|${workflow.updated_at}`;
  const seen = useRef(changed);
  useEffect(() => {
    if (seen.current === changed) return;
    seen.current = changed;
    void qc.invalidateQueries({ queryKey: testQueryKey(workflowID) });
  }, [changed, qc, workflowID]);

  // The canvas highlights the test run's path, and follows it.
  useEffect(() => {
    onRun(runID);
  }, [runID, onRun]);

  // Each new state of the session (a live event refetched it) refreshes
  // the run's path too: events may come before the session knew the run.
  useEffect(() => {
    if (runID !== null) qc.invalidateQueries({ queryKey: runQueryKey(workflowID, runID) });
  }, [s, runID, qc, workflowID]);

  // Live events about the test conversation refresh the chat and the path.
  const latest = useRef<{ s?: Session; runID: number | null }>({ runID: null });
  latest.current = { s, runID };
  useEffect(
    () =>
      live.subscribe((e) => {
        const cur = latest.current;
        if (!concerns(e, cur.s)) return;
        qc.invalidateQueries({ queryKey: testQueryKey(workflowID) });
        if (cur.runID !== null) qc.invalidateQueries({ queryKey: runQueryKey(workflowID, cur.runID) });
      }),
    [live, qc, workflowID],
  );

  const fail = (err: unknown) => toast(err instanceof ApiError ? err.message : t("builderTest.failed"));
  const send = useMutation({
    mutationFn: (text: string) => api.post<Session>(`${base}/messages`, { text, client_id: clientID() }),
    onMutate: async (text) => {
      await qc.cancelQueries({ queryKey: key });
      const before = qc.getQueryData<Session>(key);
      if (before) {
        const pending = { id: -Date.now(), direction: "in", type: "text", text, content: {}, status: "pending" } as unknown as Message;
        qc.setQueryData<Session>(key, { ...before, messages: [...before.messages, pending] });
      }
      return { before };
    },
    onError: (err, _text, ctx) => {
      if (ctx?.before) qc.setQueryData(key, ctx.before);
      fail(err);
    },
    onSuccess: (next) => qc.setQueryData(key, next),
  });
  const runNow = useMutation({ mutationFn: () => api.post<Session>(`${base}/run`), onSuccess: (next) => qc.setQueryData(key, next), onError: fail });
  const reset = useMutation({
    mutationFn: () => api.post<Session>(`${base}/reset`),
    onSuccess: (next) => {
      qc.setQueryData(key, next);
      onRun(null);
    },
    onError: fail,
  });

  const [text, setText] = useState("");
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    const v = text.trim();
    if (!v || send.isPending) return;
    setText("");
    // A message the server refuses (too long, the session reset) goes back
    // in the box, unless something else was typed since: not lost.
    send.mutate(v, { onError: () => setText((cur) => cur || text) });
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    // While an input method composes (Japanese, Chinese…), Enter picks the characters: not a send.
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) submit(e);
  };

  const log = useRef<HTMLDivElement>(null);
  const messages = s?.messages ?? [];
  useEffect(() => {
    const el = log.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages.length]);

  const status = statusOf(s);
  const assignment = assignmentOf(s);
  const canAnswer = answerable(messages);
  const published = !!s?.published_version;
  return (
    <aside data-testid="builder-test-panel" aria-label={t("builderTest.title")} className="border-line bg-bg flex w-96 shrink-0 flex-col border-l">
      <header className="border-line flex items-start gap-2 border-b p-3">
        <div className="min-w-0 flex-1">
          <h2 className="text-sm font-semibold">{t("builderTest.title")}</h2>
          <p className="text-muted truncate text-xs" data-testid="test-contact">
            {s?.contact_name ? t("builderTest.as", { name: s.contact_name }) : t("builderTest.intro")}
          </p>
        </div>
        <button
          type="button"
          data-testid="test-restart"
          onClick={() => reset.mutate()}
          disabled={!s?.started || reset.isPending}
          title={t("builderTest.restartHint")}
          className="border-line hover:bg-hover flex items-center gap-1 rounded border px-2 py-1 text-xs disabled:opacity-50"
        >
          <RotateCcw size={12} aria-hidden />
          {t("builderTest.restart")}
        </button>
      </header>
      {s && published && (
        <p className="text-muted border-line border-b px-3 py-1.5 text-xs" data-testid="test-version">
          {s.draft_differs ? t("builderTest.testsVersionDraft", { version: s.published_version }) : t("builderTest.testsVersion", { version: s.published_version })}
        </p>
      )}
      <div role="status" aria-live="polite" className="bg-subtle flex flex-col gap-0.5 px-3 py-2 text-xs" data-testid="test-status" data-run-status={s?.run?.status ?? ""}>
        <span className={status.key === "failed" ? "text-danger" : status.key === "publishFirst" ? "text-warning" : ""}>
          {t(`builderTest.status.${status.key}`, status.values)}
        </span>
        {assignment && (
          <span className="font-medium" data-testid="test-assignment">
            {t(`builderTest.status.${assignment.key}`, assignment.values)}
          </span>
        )}
      </div>
      <div ref={log} role="log" aria-live="polite" aria-label={t("builderTest.messages")} data-testid="test-messages" className="min-h-0 flex-1 overflow-y-auto p-3">
        <ol className="flex flex-col gap-2">
        {session.isLoading && (
          <li aria-hidden className="flex flex-col gap-2">
            <div className="bg-subtle h-8 w-2/3 animate-pulse rounded" />
            <div className="bg-subtle h-8 w-1/2 animate-pulse self-end rounded" />
          </li>
        )}
        {session.isError && (
          <li role="alert" className="text-danger text-sm">
            {session.error instanceof ApiError ? session.error.message : t("builderTest.failed")}
          </li>
        )}
        {messages.map((m) => (
          <Bubble key={m.id} m={m} answerable={m.id === canAnswer} onAnswer={(r) => send.mutate(r)} disabled={send.isPending} />
        ))}
        {s && published && messages.length === 0 && <li className="text-muted text-center text-xs">{t("builderTest.empty")}</li>}
        </ol>
      </div>
      {s?.mode === "run_now" && published && (
        <div className="border-line border-t px-3 pt-2">
          <button
            type="button"
            data-testid="test-run-now"
            onClick={() => runNow.mutate()}
            disabled={runNow.isPending}
            className="bg-accent text-accent-fg flex items-center gap-1 rounded px-2 py-1 text-xs font-medium disabled:opacity-50"
          >
            <Play size={12} aria-hidden />
            {t("builderTest.runNow")}
          </button>
        </div>
      )}
      <form onSubmit={submit} className="border-line flex items-end gap-2 border-t p-3" data-testid="test-composer">
        <textarea
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKey}
          rows={2}
          maxLength={4000}
          disabled={!published}
          aria-label={t("builderTest.composer")}
          placeholder={t("builderTest.placeholder")}
          className="border-line bg-bg min-w-0 flex-1 resize-none rounded border px-2 py-1.5 text-sm disabled:opacity-50"
        />
        <button
          type="submit"
          data-testid="test-send"
          disabled={!published || !text.trim() || send.isPending}
          aria-label={t("builderTest.send")}
          title={t("builderTest.send")}
          className="bg-accent text-accent-fg rounded p-2 disabled:opacity-50"
        >
          <Send size={14} aria-hidden />
        </button>
      </form>
    </aside>
  );
}

/** Bubble is one message: the contact's on the right, the workflow's and agents' on the left. */
function Bubble({ m, answerable, onAnswer, disabled }: { m: Message; answerable: boolean; onAnswer(reply: string): void; disabled: boolean }) {
  const { t } = useTranslation();
  const mine = m.direction === "in";
  const replies = repliesOf(m);
  return (
    <li data-testid="test-message" data-direction={m.direction} data-status={m.status} className={"flex flex-col gap-1 " + (mine ? "items-end" : "items-start")}>
      <span className="sr-only">{mine ? t("builderTest.fromYou") : t("builderTest.fromWorkflow")}</span>
      <div
        className={
          "max-w-[85%] rounded-lg px-3 py-1.5 text-sm break-words whitespace-pre-wrap " +
          (mine ? "bg-accent text-accent-fg rounded-br-sm" : "bg-subtle rounded-bl-sm") +
          (m.id < 0 ? " opacity-70" : "")
        }
      >
        {m.text}
      </div>
      {replies.length > 0 && (
        <div className="flex flex-wrap gap-1" role="group" aria-label={t("builderTest.choices")}>
          {replies.map((r) => (
            <button
              key={r}
              type="button"
              data-testid="test-quick-reply"
              disabled={!answerable || disabled}
              onClick={() => onAnswer(r)}
              className="border-accent text-accent hover:bg-hover rounded-full border px-3 py-0.5 text-xs disabled:border-line disabled:text-muted"
            >
              {r}
            </button>
          ))}
        </div>
      )}
    </li>
  );
}

/** clientID makes a message's idempotency key. */
function clientID(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(36).slice(2);
}
