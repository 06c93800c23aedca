import { describe, expect, it } from "vitest";
import i18n from "../../../lib/i18n";
import { describeEvent, humanize, type Names } from "./eventText";
import type { LogEvent } from "../../../lib/types";
import schemaFixture from "../../builder/drawer/schema.fixture.json";

const users: Record<number, string> = { 2: "Ana", 3: "Bob" };
const teams: Record<number, string> = { 5: "Sales" };
const names: Names = {
  user: (id) => (id ? users[id] : undefined),
  team: (id) => (id ? teams[id] : undefined),
  workflow: (id) => (id === 8 ? "Inbound" : undefined),
  contact: "Ada Lovelace",
  channel: "Website chat",
  time: (iso) => iso.slice(11, 16),
};
const ev = (type: string, payload: object): LogEvent => ({ id: 1, type, payload, created_at: "2026-01-01T10:00:00Z", workspace_id: 1 });
const say = (type: string, payload: object) => describeEvent(ev(type, payload), i18n.getFixedT("en"), names);

describe("event sentences", () => {
  it("says who opened the conversation and where", () => {
    expect(say("conversation.opened", { source: "contact" }).text).toBe("Ada Lovelace opened the conversation on Website chat");
    expect(say("conversation.opened", { source: "user", user_id: 3 }).text).toBe("Bob opened the conversation");
    expect(say("conversation.opened", { source: "workflow" }).text).toBe("A workflow opened the conversation");
  });

  it("says once where a conversation waits, and why", () => {
    const out = say("conversation.queued", {
      team_id: 5,
      position: 2,
      reason: "waiting in team 5's queue at position 2: no candidate; 1 considered (1 not online)",
    });
    expect(out.text).toBe("Waiting in the Sales queue (position 2)");
    expect(out.details).toEqual(["no candidate; 1 considered (1 not online)"]);
    const step = say("workflow.step", { workflow_id: 8, step_type: "assign_to", outcome: "waiting in Sales's queue at position 2: no candidate" });
    expect(step.details).toEqual([]);
  });

  it("says a person took a conversation above their capacity", () => {
    expect(say("conversation.assigned", { assignee_id: 2, by_user_id: 2, routing: { target: "user", forced: true } }).text).toBe(
      "Ana took it, above their capacity",
    );
    expect(say("conversation.assigned", { assignee_id: 2, by_user_id: 3, routing: { target: "user", forced: true } }).text).toBe(
      "Bob assigned it to Ana, above their capacity",
    );
  });

  it("says why routing assigned whom", () => {
    const out = say("conversation.assigned", {
      assignee_id: 2,
      team_id: 5,
      source: "workflow",
      reason: "round_robin in team 5: user 2, first in the round-robin rotation; 3 considered (1 not online)",
      routing: { target: "team", strategy: "round_robin", team_id: 5, candidates: [{ user_id: 4, skipped: "not online (offline)" }] },
    });
    expect(out.text).toBe("Assigned to Ana by round robin among online agents of Sales");
    expect(out.details).toEqual(["round_robin in Sales: Ana, first in the round-robin rotation; 3 considered (1 not online)"]);
    expect(
      say("conversation.assigned", { assignee_id: 2, routing: { target: "workspace", strategy: "least_open" } }).text,
    ).toBe("Assigned to Ana by fewest open conversations among the agents of the workspace");
  });

  it("says who assigned by hand, above capacity, or took it", () => {
    expect(say("conversation.assigned", { assignee_id: 2, by_user_id: 3, routing: { target: "user" } }).text).toBe("Bob assigned it to Ana");
    expect(say("conversation.assigned", { assignee_id: 2, by_user_id: 3, routing: { target: "user", forced: true } }).text).toBe(
      "Bob assigned it to Ana, above their capacity",
    );
    expect(say("conversation.assigned", { assignee_id: 2, by_user_id: 2 }).text).toBe("Ana took the conversation");
    expect(say("conversation.assigned", { assignee_id: 9 }).text).toBe("Assigned to user #9");
  });

  it("describes queueing, unassigning, snoozing and closing", () => {
    expect(say("conversation.queued", { team_id: 5, position: 2, reason: "nobody qualifies in team 5: 2 busy" })).toEqual({
      text: "Waiting in the Sales queue (position 2)",
      details: ["nobody qualifies in Sales: 2 busy"],
    });
    expect(say("conversation.unassigned", { previous_assignee_id: 2, by_user_id: 3 }).text).toBe("Bob unassigned Ana");
    expect(say("conversation.unassigned", { previous_assignee_id: 0, team_id: 5 }).text).toBe("Moved to Sales, waiting for an agent");
    expect(say("conversation.snoozed", { until: "2026-01-02T09:00:00Z", by_user_id: 3 }).text).toBe("Bob snoozed it until 09:00");
    expect(say("conversation.unsnoozed", { reason: "contact_message" }).text).toBe("Back from snooze: the contact wrote");
    expect(say("conversation.closed", { source: "user", user_id: 2, category: "Billing", summary: "Refunded" })).toEqual({
      text: "Ana closed the conversation",
      details: ["Category: Billing", "Refunded"],
    });
    expect(say("conversation.closed", { source: "auto_close" }).text).toBe("Closed automatically after inactivity");
  });

  it("says what the contact answered to the satisfaction survey", () => {
    expect(say("conversation.rated", { conversation_id: 7, rating: 4, comment: "Quick and kind" })).toEqual({
      text: "Ada Lovelace rated the conversation 4/5",
      details: ["“Quick and kind”"],
    });
    expect(say("conversation.rated", { rating: 5, comment: "" })).toEqual({ text: "Ada Lovelace rated the conversation 5/5", details: [] });
    expect(say("conversation.rated", { rating: 4, comment: "Better now", previous_rating: 3 })).toEqual({
      text: "Ada Lovelace changed their rating from 3/5 to 4/5",
      details: ["“Better now”"],
    });
    expect(say("conversation.rated", { rating: 4, comment: "Thanks!", previous_rating: 4 }).text).toBe("Ada Lovelace changed their comment on their 4/5 rating");
    // A deleted contact's events keep the rating, never the comment.
    expect(say("conversation.rated", { rating: 2, erased: true })).toEqual({ text: "Ada Lovelace rated the conversation 2/5", details: [] });
    // Without the contact's name the sentence still starts with a capital.
    const anonymous = describeEvent(ev("conversation.rated", { rating: 1, comment: "Slow" }), i18n.getFixedT("en"), { ...names, contact: undefined });
    expect(anonymous.text).toBe("The contact rated the conversation 1/5");
    const fr = describeEvent(ev("conversation.rated", { rating: 3, previous_rating: 1, comment: "Mieux" }), i18n.getFixedT("fr"), names);
    expect(fr).toEqual({ text: "Ada Lovelace a changé sa note de 1/5 à 3/5", details: ["« Mieux »"] });
  });

  it("tells a workflow's run step by step", () => {
    expect(say("workflow.run.started", { workflow_id: 8 }).text).toBe("Workflow Inbound started");
    expect(say("workflow.step", { workflow_id: 8, step_type: "send_message", outcome: "sent the welcome" })).toEqual({
      text: "Inbound: sent a message",
      details: ["sent the welcome"],
    });
    expect(say("workflow.step", { workflow_id: 8, step_type: "send_message", outcome: "sent message 21" }).details).toEqual([]);
    const failed = say("workflow.step", { workflow_id: 12, step_type: "http_request", error: "timeout" });
    expect(failed.text).toBe("#12: HTTP request failed — timeout");
    expect(failed.tone).toBe("danger");
    expect(say("workflow.run.ended", { workflow_id: 8, status: "finished" }).text).toBe("Workflow Inbound finished");
  });

  it("replaces ids in the server's reasons", () => {
    expect(humanize("user 2 does not qualify; user 99 too", names)).toBe("Ana does not qualify; user 99 too");
  });

  it("says what an AI agent's turn did, what it refused and why it handed over", () => {
    const answered = say("ai_agent.turn", {
      agent_id: 9, agent_name: "Sam", outcome: "answered", mode: "retrieval", confidence: { score: 0.75 },
      passages: [{ title: "Reset your password", match: 0.75 }], actions: [{ name: "reply", status: "done" }],
    });
    expect(answered.text).toBe("Sam (AI agent) answered from “Reset your password”");
    expect(answered.details).toEqual(["retrieval mode (no model), best match 0.75"]);
    const handed = say("ai_agent.turn", {
      agent_name: "Sam", outcome: "handed_over", mode: "model", model: "gpt-x", passages: [],
      actions: [{ name: "close", status: "refused", reason: "the AI agent is not allowed to close" }],
      handover: { rule: "human_requested", reason: "the contact asked for a person (\"human\")", summary: "Wants a refund." },
    });
    expect(handed.text).toBe('Sam (AI agent) handed over: the contact asked for a person ("human")');
    expect(handed.details).toEqual(["model gpt-x", "Refused close: the AI agent is not allowed to close"]);
  });
});

describe("workflow steps in the timeline", () => {
  // Every step type the engine has (the builder's schema, kept current by
  // a Go test) is named in both languages, not shown as its raw type.
  const fixture = schemaFixture as { properties: { steps: { items: { oneOf: { properties: { type: { const: string } } }[] } } } };
  const stepTypes = fixture.properties.steps.items.oneOf.map((s) => s.properties.type.const);
  it("knows the step types", () => expect(stepTypes).toContain("send_message"));
  it.each(stepTypes)("names a %s step in English and French", (type) => {
    for (const lng of ["en", "fr"]) {
      expect(i18n.exists(`conversation.event.step.${type}`, { lng }), `${lng}: ${type}`).toBe(true);
    }
  });
});
