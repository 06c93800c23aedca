// The composer's text logic, pure: the `/snippet` and `@mention` being
// typed at the caret, what a chosen one replaces (a snippet's variables
// filled in), which mentions are still in the text, and the draft kept per
// conversation in sessionStorage (so it survives a reload and an expired
// session; nothing secret is in it).

export interface Trigger {
  /** Where the `/` or `@` is. */
  start: number;
  /** What was typed after it, up to the caret. */
  query: string;
}

/** snippetQuery: a `/name` typed at the start of the text or after a space, up to the caret. */
export function snippetQuery(text: string, caret: number): Trigger | null {
  const before = text.slice(0, caret);
  const m = /(^|\s)\/([\w-]*)$/.exec(before);
  if (!m) return null;
  return { start: before.length - m[2]!.length - 1, query: m[2]! };
}

/** mentionQuery: an `@name` typed after a space or at the start, up to the caret (names may hold one space). */
export function mentionQuery(text: string, caret: number): Trigger | null {
  const before = text.slice(0, caret);
  const m = /(^|\s)@([^\s@]*(?: [^\s@]*)?)$/.exec(before);
  if (!m) return null;
  return { start: before.length - m[2]!.length - 1, query: m[2]! };
}

/** replaceTrigger puts `insert` where the trigger was typed; answers the text and the new caret. */
export function replaceTrigger(text: string, caret: number, t: Trigger, insert: string): { text: string; caret: number } {
  const next = text.slice(0, t.start) + insert + text.slice(caret);
  return { text: next, caret: t.start + insert.length };
}

/** What a snippet's variables are filled from: the open conversation, its contact, and the person writing. */
export interface SnippetContext {
  contact?: {
    id: number;
    first_name: string;
    last_name?: string;
    phone?: string;
    email?: string;
    language?: string;
    country?: string;
    lifecycle_stage?: string;
    fields?: Record<string, unknown>;
  };
  contactName: string;
  conversationID: number;
  agent?: { name: string; email?: string };
  assigneeName?: string;
}

/**
 * snippetValues: what each variable a snippet may hold stands for, named
 * as in workflows (`{{contact.first_name}}`, a custom field
 * `{{contact.<key>}}` or `{{contact.fields.<key>}}`, `{{conversation.id}}`,
 * `{{assignee.name}}`), and `{{agent.name}}`, the person inserting it.
 */
export function snippetValues(c: SnippetContext): Map<string, string> {
  const v = new Map<string, string>();
  const k = c.contact;
  if (k) {
    for (const [name, value] of Object.entries(k.fields ?? {})) {
      const text = value === null || value === undefined ? "" : Array.isArray(value) ? value.join(", ") : String(value);
      v.set(`contact.${name}`, text);
      v.set(`contact.fields.${name}`, text);
    }
    v.set("contact.id", String(k.id));
    v.set("contact.first_name", k.first_name);
    v.set("contact.last_name", k.last_name ?? "");
    v.set("contact.phone", k.phone ?? "");
    v.set("contact.email", k.email ?? "");
    v.set("contact.language", k.language ?? "");
    v.set("contact.country", k.country ?? "");
    v.set("contact.lifecycle", k.lifecycle_stage ?? "");
  }
  v.set("contact.name", c.contactName);
  v.set("conversation.id", String(c.conversationID));
  if (c.assigneeName !== undefined) v.set("assignee.name", c.assigneeName);
  if (c.agent) {
    v.set("agent.name", c.agent.name);
    v.set("agent.first_name", c.agent.name.split(/\s+/)[0] ?? "");
    v.set("agent.email", c.agent.email ?? "");
  }
  return v;
}

/** fillVariables puts each `{{name}}` values knows in place (spaces inside the braces are fine); any other stays as typed, for the agent to see. */
export function fillVariables(text: string, values: Map<string, string>): string {
  return text.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (whole, name: string) => values.get(name) ?? whole);
}

export interface Person {
  id: number;
  name: string;
}

/** mentionedIDs: the people chosen with @ whose `@Name` is still in the text, each once. */
export function mentionedIDs(text: string, chosen: Person[]): number[] {
  const out: number[] = [];
  for (const p of chosen) {
    if (out.includes(p.id)) continue;
    if (text.includes("@" + p.name)) out.push(p.id);
  }
  return out;
}

/** matchesQuery: a name or text starting with the query, or a word of it, case-insensitive. */
export function matchesQuery(name: string, query: string): boolean {
  const q = query.toLowerCase();
  if (!q) return true;
  const n = name.toLowerCase();
  return n.startsWith(q) || n.split(/[\s_-]+/).some((w) => w.startsWith(q));
}

export interface Draft {
  text: string;
  mode: "reply" | "comment";
  mentions?: Person[];
  /** The text came from AI help (a draft, rewrite or translation): the message is sent marked. */
  ai?: boolean;
}

export const draftKey = (conversationID: number) => `switchboard.draft.${conversationID}`;

export function loadDraft(conversationID: number, store: Storage = sessionStorage): Draft | null {
  try {
    const raw = store.getItem(draftKey(conversationID));
    if (!raw) return null;
    const d = JSON.parse(raw) as Partial<Draft>;
    if (typeof d.text !== "string") return null;
    return {
      text: d.text,
      mode: d.mode === "comment" ? "comment" : "reply",
      mentions: Array.isArray(d.mentions) ? d.mentions : [],
      ...(d.ai === true ? { ai: true } : {}),
    };
  } catch {
    return null;
  }
}

/** saveDraft keeps a draft with text, and forgets an empty one. */
export function saveDraft(conversationID: number, d: Draft, store: Storage = sessionStorage) {
  try {
    if (!d.text.trim()) store.removeItem(draftKey(conversationID));
    else store.setItem(draftKey(conversationID), JSON.stringify(d));
  } catch {
    // storage full or refused: the draft lives in memory only
  }
}

export function clearDraft(conversationID: number, store: Storage = sessionStorage) {
  try {
    store.removeItem(draftKey(conversationID));
  } catch {
    // nothing kept
  }
}
