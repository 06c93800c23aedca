// Template variables the engine renders (docs/workflows.md "Variables and
// templates") and a small client-side renderer for the drawer's preview.
// The preview uses sample values, not the contact's real data.

export const contactVariables = ["first_name", "last_name", "name", "phone", "email", "language", "country", "lifecycle", "tags", "id"].map((n) => `contact.${n}`);
export const conversationVariables = ["id", "status", "channel_id", "opened_source", "assignee_id", "team_id"].map((n) => `conversation.${n}`);
export const assigneeVariables = ["name", "email", "status", "availability", "id"].map((n) => `assignee.${n}`);
export const systemVariables = ["current_datetime", "current_date", "current_time"].map((n) => `system.${n}`);

/** The sample contact the preview renders with. */
export const sampleValues: Record<string, string> = {
  "contact.first_name": "Ada",
  "contact.last_name": "Lovelace",
  "contact.name": "Ada Lovelace",
  "contact.phone": "+14155550100",
  "contact.email": "ada@example.com",
  "contact.language": "en",
  "contact.country": "GB",
  "contact.lifecycle": "Lead",
  "contact.tags": "vip",
  "contact.id": "42",
  "conversation.id": "1001",
  "conversation.status": "open",
  "conversation.channel_id": "1",
  "conversation.opened_source": "contact",
  "conversation.assignee_id": "7",
  "conversation.team_id": "3",
  "assignee.name": "Grace Hopper",
  "assignee.email": "grace@example.com",
  "assignee.status": "online",
  "assignee.availability": "online",
  "assignee.id": "7",
  "system.current_datetime": "2026-03-02 09:30",
  "system.current_date": "2026-03-02",
  "system.current_time": "09:30",
  "var.queue_position": "2",
};

const re = /\{\{\s*([A-Za-z0-9_.\-[\]]+)\s*\}\}/g;

/** renderTemplate replaces each {{name}} with its sample value; unknown
 * variables render as ‹name› so the preview shows where they go (the engine
 * renders a missing value as the empty string). */
export function renderTemplate(text: string, values: Record<string, string> = sampleValues): string {
  return text.replace(re, (_, name: string) => {
    const v = values[name];
    if (v !== undefined) return v;
    const custom = /^contact\.fields\.(.+)$/.exec(name);
    const c = custom ? values[`contact.${custom[1]}`] : undefined;
    if (c !== undefined) return c;
    return `‹${name}›`;
  });
}

export const hasVariables = (text: string) => /\{\{[^}]*\}\}/.test(text);

/** insertAt puts `{{name}}` at the selection [start, end) of text. */
export function insertAt(text: string, start: number, end: number, name: string): { text: string; cursor: number } {
  const v = `{{${name}}}`;
  return { text: text.slice(0, start) + v + text.slice(end), cursor: start + v.length };
}

/** nodeVariables derives the variables a node itself makes (its saved
 * answer, its response mappings, a shortcut's inputs) for later steps. */
export function nodeVariables(node: { kind: string; id: string; type: string; settings: Record<string, unknown> }): string[] {
  const s = node.settings ?? {};
  const out: string[] = [];
  if (node.kind === "trigger" && node.type === "shortcut" && Array.isArray(s.inputs)) {
    for (const i of s.inputs as { name?: string }[]) if (i?.name) out.push(`var.${i.name}`);
  }
  if (node.kind === "step") {
    if (node.type === "ask_question") {
      out.push(`step.${node.id}.answer`);
      const st = s.save_to as { kind?: string; name?: string } | undefined;
      if (st?.kind === "variable" && st.name) out.push(`var.${st.name}`);
      if (st?.kind === "field" && st.name) out.push(`contact.fields.${st.name}`);
    }
    if (node.type === "http_request") {
      out.push(`step.${node.id}.status`, `step.${node.id}.body`);
      for (const k of Object.keys((s.response as object) ?? {})) out.push(`var.${k}`);
    }
    if (node.type === "classify") {
      // The intent goes to a variable (intent unless save_to names another), and to contact_field when set.
      out.push(`step.${node.id}.intent`, `step.${node.id}.confidence`, `step.${node.id}.language`, `step.${node.id}.method`);
      out.push(`var.${typeof s.save_to === "string" && s.save_to ? s.save_to : "intent"}`);
      if (typeof s.contact_field === "string" && s.contact_field) out.push(`contact.fields.${s.contact_field}`);
    }
    if (node.type === "assign_to") out.push("var.queue_position");
  }
  return out;
}

/** workflowVariables lists what every node of a definition makes, for the
 * editor to pass as StepDrawer's `variables` (e.g. the steps before the
 * selected one, or all of them). */
export function workflowVariables(nodes: { kind: string; id: string; type: string; settings: Record<string, unknown> }[]): string[] {
  return [...new Set(nodes.flatMap(nodeVariables))];
}
