// summarize: a one-line summary of a step's settings for its node on the
// canvas — the values themselves (texts, names), not sentences, so it
// needs no translation. What a setting names by id (a user, a team, a
// channel, a workflow) is shown by the name a lookup gives (the caller
// reads the workspace's lists; summarize stays pure).
import type { Step } from "./graph";

/** A kind of thing a step's settings name by id (the engine schema's "x-ref"). */
export type RefKind = "user" | "team" | "channel" | "workflow";

/**
 * NameOf says what an id names, as the canvas shows it: its name, "#12"
 * while the names are being read, "#12 (no longer exists)" when it names
 * nothing.
 */
export type NameOf = (kind: RefKind, id: number) => string;

/** byID shows ids as they are, "#12": the lookup when no names are at hand. */
export const byID: NameOf = (_, id) => `#${id}`;

/** The settings of each step type that name something by id (a test checks them against the engine's schema). */
export const STEP_REFS: Record<string, Record<string, RefKind>> = {
  assign_to: { team_id: "team", user_id: "user" },
  open_conversation: { channel_id: "channel" },
  send_message: { channel_id: "channel" },
  trigger_workflow: { workflow_id: "workflow" },
};

/** refKindsOf lists the kinds of thing the steps' settings name: the lists their summaries need. */
export function refKindsOf(steps: Pick<Step, "type" | "settings">[]): Set<RefKind> {
  const out = new Set<RefKind>();
  for (const s of steps) for (const [k, kind] of Object.entries(STEP_REFS[s.type] ?? {})) if (idOf(s.settings?.[k]) !== undefined) out.add(kind);
  return out;
}

const str = (v: unknown) => (typeof v === "string" || typeof v === "number" ? String(v) : "");
const list = (v: unknown) => (Array.isArray(v) ? v.map(str).filter(Boolean).join(", ") : "");
const idOf = (v: unknown) => (typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : undefined);

export function summarize(step: Pick<Step, "type" | "settings">, nameOf: NameOf = byID): string {
  const s = step.settings ?? {};
  const ref = (key: string) => {
    const id = idOf(s[key]);
    const kind = STEP_REFS[step.type]?.[key];
    return id === undefined || !kind ? "" : nameOf(kind, id);
  };
  let out = "";
  switch (step.type) {
    case "send_message":
      out = [str(s.text), ref("channel_id")].filter(Boolean).join(" · ");
      break;
    case "ask_question":
      out = [str(s.question), list(s.options) && `(${list(s.options)})`].filter(Boolean).join(" ");
      break;
    case "branch":
      out = Array.isArray(s.branches) ? s.branches.map((b) => str((b as { name?: unknown }).name)).join(" · ") : "";
      break;
    case "assign_to":
      out = [str(s.target), str(s.team) || ref("team_id") || ref("user_id"), str(s.strategy)].filter(Boolean).join(" · ");
      break;
    case "open_conversation":
      out = ref("channel_id");
      break;
    case "trigger_workflow":
      out = ref("workflow_id");
      break;
    case "update_contact_field":
      out = s.field ? `${str(s.field)} = ${str(s.value)}` : "";
      break;
    case "update_contact_tag":
      out = [str(s.action), list(s.tags)].filter(Boolean).join(" ");
      break;
    case "jump_to":
      out = s.step ? `→ ${str(s.step)}` : "";
      break;
    case "http_request":
      out = [str(s.method), str(s.url)].filter(Boolean).join(" ");
      break;
    case "classify":
      out = [str(s.save_to) || "intent", str(s.text)].filter(Boolean).join(" ← ");
      break;
    case "add_comment":
      out = str(s.text);
      break;
    default: {
      const first = Object.values(s).find((v) => str(v) || list(v));
      out = str(first) || list(first);
    }
  }
  return out.replace(/\s+/g, " ").trim();
}
