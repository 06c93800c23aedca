// What the timeline says of an event, as a sentence a person reads ("Assigned
// to Ana by round robin among online agents of Sales"), from the payloads the
// server writes (internal/conversation, internal/routing, internal/workflow).
import type { TFunction } from "i18next";
import type { LogEvent } from "../../../lib/types";

export interface Names {
  user(id: number | undefined): string | undefined;
  team(id: number | undefined): string | undefined;
  workflow(id: number | undefined): string | undefined;
  contact?: string;
  channel?: string;
  /** An instant as the workspace shows it. */
  time(iso: string): string;
}

export interface EventText {
  text: string;
  details: string[];
  tone?: "danger";
}

interface Routing {
  target?: string;
  strategy?: string;
  team_id?: number;
  forced?: boolean;
  candidates?: { user_id: number; availability?: string; skipped?: string }[];
}

type Payload = Record<string, unknown> & { routing?: Routing };

const num = (v: unknown): number | undefined => (typeof v === "number" && v !== 0 ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** humanize replaces "user 12" and "team 3" in the server's reason with names. */
export function humanize(reason: string, names: Pick<Names, "user" | "team">): string {
  return reason
    .replace(/\buser (\d+)\b/g, (all, id: string) => names.user(Number(id)) ?? all)
    .replace(/\bteam (\d+)\b/g, (all, id: string) => names.team(Number(id)) ?? all);
}

export function describeEvent(e: LogEvent, t: TFunction, names: Names): EventText {
  const p = (e.payload && typeof e.payload === "object" ? e.payload : {}) as Payload;
  const k = (key: string, opts?: Record<string, unknown>) => t(`conversation.event.${key}`, opts ?? {});
  const someone = k("someone");
  const user = (id: unknown) => names.user(num(id)) ?? (num(id) ? k("userNumber", { id }) : someone);
  const team = (id: unknown) => names.team(num(id)) ?? k("teamNumber", { id });
  const workflow = names.workflow(num(p.workflow_id)) ?? k("workflowNumber", { id: p.workflow_id ?? "?" });
  const reason = str(p.reason);
  const details: string[] = [];
  const withReason = () => {
    if (reason) details.push(humanize(reason, names));
  };

  switch (e.type) {
    case "conversation.opened": {
      const source = str(p.source) ?? "contact";
      if (source === "contact") {
        const who = names.contact ?? k("theContact");
        return { text: names.channel ? k("openedByContactOn", { contact: who, channel: names.channel }) : k("openedByContact", { contact: who }), details };
      }
      if (source === "user") return { text: k("openedByUser", { user: user(p.user_id ?? p.by_user_id) }), details };
      if (source === "workflow") return { text: k("openedByWorkflow"), details };
      return { text: k("openedByApi"), details };
    }
    case "conversation.assigned": {
      const r = p.routing ?? {};
      const assignee = user(p.assignee_id);
      // "assigned to X by name" says again what the sentence says.
      if (r.target !== "user" || r.forced) withReason();
      if (r.forced && num(p.by_user_id) && num(p.by_user_id) === num(p.assignee_id)) {
        return { text: k("assignedSelfForced", { user: assignee }), details };
      }
      if (r.forced) return { text: k("assignedForced", { user: assignee, by: user(p.by_user_id) }), details };
      if (r.strategy) {
        const strategy = k(`strategy.${r.strategy}`, { defaultValue: r.strategy });
        const scope = num(r.team_id) ? team(r.team_id) : k("theWorkspace");
        const onlyOnline = (r.candidates ?? []).some((c) => /^(not online|offline)/.test(c.skipped ?? ""));
        return { text: k(onlyOnline ? "assignedByStrategyOnline" : "assignedByStrategy", { user: assignee, strategy, scope }), details };
      }
      if (r.target === "previous") return { text: k("assignedPrevious", { user: assignee }), details };
      const by = num(p.by_user_id);
      if (by && by === num(p.assignee_id)) return { text: k("assignedSelf", { user: assignee }), details };
      if (by) return { text: k("assignedBy", { user: assignee, by: user(by) }), details };
      if (p.source === "workflow") return { text: k("assignedByWorkflow", { user: assignee }), details };
      return { text: k("assigned", { user: assignee }), details };
    }
    case "conversation.unassigned": {
      withReason();
      const prev = num(p.previous_assignee_id);
      const by = num(p.by_user_id);
      if (!prev && num(p.team_id)) return { text: k("movedToTeam", { team: team(p.team_id) }), details };
      if (prev && by) return { text: k("unassignedBy", { user: user(prev), by: user(by) }), details };
      if (prev) return { text: k("unassignedUser", { user: user(prev) }), details };
      return { text: k("unassigned"), details };
    }
    case "conversation.queued": {
      // The server's reason starts by saying where it waits, which the
      // sentence says: keep what follows (why nobody could take it).
      if (reason) {
        const why = reason.replace(/^waiting (in|for) [^:]*: /, "");
        if (why !== reason && why) details.push(humanize(why, names));
        else if (why === reason) details.push(humanize(reason, names));
      }
      const position = p.position ?? "?";
      if (num(p.user_id)) return { text: k("queuedForUser", { user: user(p.user_id), position }), details };
      if (num(p.team_id)) return { text: k("queuedInTeam", { team: team(p.team_id), position }), details };
      return { text: k("queuedInWorkspace", { position }), details };
    }
    case "conversation.snoozed": {
      const until = str(p.until) ? names.time(p.until as string) : "?";
      if (num(p.by_user_id)) return { text: k("snoozedBy", { by: user(p.by_user_id), until }), details };
      return { text: k("snoozed", { until }), details };
    }
    case "conversation.unsnoozed": {
      if (p.reason === "contact_message") return { text: k("unsnoozedContact"), details: [] };
      if (p.reason === "timer") return { text: k("unsnoozedTimer"), details: [] };
      return { text: k("unsnoozed"), details: [] };
    }
    case "conversation.rated":
      return describeRating(p, k, names.contact ?? k("theContact"));
    case "conversation.closed": {
      const category = str(p.category);
      const summary = str(p.summary);
      if (category) details.push(k("category", { category }));
      if (summary) details.push(summary);
      const source = str(p.source);
      if (source === "auto_close") return { text: k("closedAuto"), details };
      if (source === "workflow") return { text: k("closedByWorkflow"), details };
      if (source === "api") return { text: k("closedByApi"), details };
      if (source === "ai_agent") return { text: k("closedByAi"), details };
      return { text: k("closedBy", { by: user(p.user_id) }), details };
    }
    case "workflow.run.started":
      return { text: k("runStarted", { workflow }), details };
    case "workflow.step": {
      const stepType = str(p.step_type) ?? "step";
      const step = k(`step.${stepType}`, { defaultValue: stepType });
      const outcome = str(p.outcome);
      // "sent message 21", "asked": the step's name already says it.
      // "waiting in Sales' queue at position 2": the queued event says it.
      if (outcome && !/^(sent message \d+|asked)$/.test(outcome) && !/^waiting (in|for) .*position \d+/.test(outcome)) {
        details.push(humanize(outcome, names));
      }
      const error = str(p.error);
      if (error) return { text: k("stepFailed", { workflow, step, error }), details, tone: "danger" };
      return { text: k("stepDone", { workflow, step }), details };
    }
    case "workflow.run.ended": {
      const error = str(p.error);
      if (error) details.push(error);
      if (p.status === "finished") return { text: k("runFinished", { workflow }), details };
      if (p.status === "failed") return { text: k("runFailed", { workflow }), details, tone: "danger" };
      if (p.status === "stopped") return { text: k("runStopped", { workflow }), details };
      return { text: k("runEnded", { workflow, status: String(p.status ?? "") }), details };
    }
    case "ai_agent.turn":
      return describeAiTurn(p, k, user(p.agent_id), details);
  }
  return { text: k("other", { type: e.type }), details };
}

/** describeRating says what the contact answered to the satisfaction
 * survey (internal/satisfaction): the rating, what it was before when they
 * changed it, and their comment. Once the contact is deleted the payload
 * keeps the rating alone (erased: true). */
function describeRating(p: Payload, k: (key: string, opts?: Record<string, unknown>) => string, contact: string): EventText {
  const rating = typeof p.rating === "number" ? p.rating : "?";
  const previous = num(p.previous_rating);
  const comment = p.erased ? undefined : str(p.comment);
  const details = comment ? [k("ratingComment", { comment })] : [];
  let text: string;
  if (previous !== undefined && previous !== rating) text = k("ratingChanged", { contact, from: previous, to: rating });
  else if (previous !== undefined) text = k("ratingCommentChanged", { contact, rating });
  else text = k("rated", { contact, rating });
  // "the contact rated…" starts a sentence.
  return { text: text.charAt(0).toUpperCase() + text.slice(1), details };
}

/** describeAiTurn says what an AI agent's turn did and why it handed over
 * (internal/aiagent's Result): the passages it used, each action done or
 * refused with the reason, the error of a model that failed. */
function describeAiTurn(p: Payload, k: (key: string, opts?: Record<string, unknown>) => string, fallback: string, details: string[]): EventText {
  const agent = str(p.agent_name) ?? fallback;
  const passages = Array.isArray(p.passages) ? (p.passages as { title?: string; match?: number }[]) : [];
  const actions = Array.isArray(p.actions) ? (p.actions as { name?: string; status?: string; reason?: string }[]) : [];
  const handover = (p.handover && typeof p.handover === "object" ? p.handover : undefined) as { reason?: string } | undefined;
  const conf = (p.confidence && typeof p.confidence === "object" ? p.confidence : undefined) as { score?: number } | undefined;
  const mode = str(p.mode) === "model" ? k("aiModeModel", { model: str(p.model) ?? "" }) : k("aiModeRetrieval");
  details.push(conf && typeof conf.score === "number" ? k("aiMatch", { mode, score: conf.score.toFixed(2) }) : mode);
  for (const a of actions) {
    if (a.status === "refused") details.push(k("aiRefused", { action: a.name ?? "?", reason: a.reason ?? "" }));
  }
  if (str(p.error)) details.push(k("aiError", { error: p.error }));
  switch (str(p.outcome)) {
    case "answered":
      return { text: passages.length ? k("aiAnswered", { agent, title: passages[0]?.title ?? "" }) : k("aiReplied", { agent }), details };
    case "clarified":
      return { text: k("aiClarified", { agent }), details };
    case "asked":
      return { text: k("aiAsked", { agent, field: str(p.asked_field) ?? "" }), details };
    case "handed_over":
      // The summary is in the agent's comment beside it, for the person.
      return { text: k("aiHandedOver", { agent, reason: handover?.reason ?? "" }), details };
    case "closed":
      return { text: k("aiClosed", { agent }), details };
    case "skipped":
      return { text: k("aiSkipped", { agent, why: str(p.skipped) ?? "" }), details: [] };
  }
  return { text: k("aiActed", { agent }), details };
}
