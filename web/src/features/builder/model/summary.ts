// summarize: a one-line summary of a step's settings for its node on the
// canvas — the values themselves (texts, names, ids), not sentences, so it
// needs no translation.
import type { Step } from "./graph";

const str = (v: unknown) => (typeof v === "string" || typeof v === "number" ? String(v) : "");
const list = (v: unknown) => (Array.isArray(v) ? v.map(str).filter(Boolean).join(", ") : "");

export function summarize(step: Pick<Step, "type" | "settings">): string {
  const s = step.settings ?? {};
  let out = "";
  switch (step.type) {
    case "send_message":
      out = str(s.text);
      break;
    case "ask_question":
      out = [str(s.question), list(s.options) && `(${list(s.options)})`].filter(Boolean).join(" ");
      break;
    case "branch":
      out = Array.isArray(s.branches) ? s.branches.map((b) => str((b as { name?: unknown }).name)).join(" · ") : "";
      break;
    case "assign_to":
      out = [str(s.target), str(s.team) || str(s.team_id) || str(s.user_id), str(s.strategy)].filter(Boolean).join(" · ");
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
