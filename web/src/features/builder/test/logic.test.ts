import { describe, expect, it } from "vitest";
import { answerable, assignmentOf, concerns, repliesOf, statusOf, type Session } from "./logic";

const base: Session = {
  workflow_id: 1,
  published_version: 2,
  draft_differs: false,
  trigger_type: "conversation_opened",
  mode: "chat",
  started: true,
  contact_id: 7,
  messages: [],
} as unknown as Session;

function msg(id: number, direction: "in" | "out", replies?: string[]) {
  return { id, direction, type: replies ? "quick_reply" : "text", content: replies ? { type: "quick_reply", replies } : {} };
}

describe("statusOf", () => {
  it("asks to publish first", () => expect(statusOf({ ...base, published_version: 0 }).key).toBe("publishFirst"));
  it("hints how to start", () => {
    expect(statusOf(base).key).toBe("writeHint");
    expect(statusOf({ ...base, mode: "run_now" }).key).toBe("runNowHint");
  });
  it("says where the run waits", () => {
    const s = { ...base, run: { id: 3, version: 2, status: "waiting_reply", step: "ask_need" } };
    expect(statusOf(s)).toEqual({ key: "waitingReply", values: { step: "ask_need" } });
  });
  it("says a run failed and why", () => {
    const s = { ...base, run: { id: 3, version: 2, status: "failed", step: "call", error: "boom" } };
    expect(statusOf(s)).toEqual({ key: "failed", values: { step: "call", error: "boom" } });
  });
  it("says finished", () => expect(statusOf({ ...base, run: { id: 3, version: 2, status: "finished", step: "to_billing" } }).key).toBe("finished"));
});

describe("assignmentOf", () => {
  it("names the agent and team", () => {
    const s = { ...base, conversation: { id: 9, status: "open", assignee_id: 4, assignee_name: "Ana", team_id: 2, team_name: "Billing" } };
    expect(assignmentOf(s)).toEqual({ key: "assignedTeam", values: { name: "Ana", team: "Billing" } });
  });
  it("is null without an assignee or team", () => expect(assignmentOf({ ...base, conversation: { id: 9, status: "open" } })).toBeNull());
});

describe("quick replies", () => {
  it("reads them from a quick reply message", () => {
    expect(repliesOf(msg(1, "out", ["Sales", "Support"]))).toEqual(["Sales", "Support"]);
    expect(repliesOf(msg(1, "out"))).toEqual([]);
    expect(repliesOf({ type: "quick_reply", content: { replies: "no" } })).toEqual([]);
  });
  it("can be clicked only on the last message, when it is the workflow's", () => {
    expect(answerable([msg(1, "out"), msg(2, "out", ["A", "B"])])).toBe(2);
    expect(answerable([msg(2, "out", ["A", "B"]), msg(3, "in")])).toBeNull();
    expect(answerable([])).toBeNull();
  });
});

describe("concerns", () => {
  const s = { ...base, conversation: { id: 9, status: "open" } };
  it("matches the test conversation or contact", () => {
    expect(concerns({ conversation_id: 9 }, s)).toBe(true);
    expect(concerns({ contact_id: 7 }, s)).toBe(true);
    expect(concerns({ conversation_id: 10, contact_id: 8 }, s)).toBe(false);
    expect(concerns({ contact_id: 7 }, { ...s, started: false })).toBe(false);
  });
});
