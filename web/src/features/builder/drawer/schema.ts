// The JSON Schema the engine serves (GET /api/v1/workflows/schema), the
// part of it a node's form is generated from, UI hints the schema cannot
// carry, and validation of a value against it as the user types.

export interface JSONSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  format?: string;
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, JSONSchema>;
  additionalProperties?: boolean | JSONSchema;
  propertyNames?: JSONSchema;
  items?: JSONSchema;
  required?: string[];
  oneOf?: JSONSchema[];
  anyOf?: JSONSchema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  default?: unknown;
  /** What the value names: "user", "team", "workflow", "channel" (by id) or "step" (of the definition). */
  "x-ref"?: string;
  /** The sibling property this one must be later than (a period's end after its start). */
  "x-after"?: string;
}

export type NodeKind = "trigger" | "step";

/** typeNames lists the trigger or step types the schema describes. */
export function typeNames(root: JSONSchema, kind: NodeKind): string[] {
  return variants(root, kind).map((v) => String(v.properties?.type?.const ?? v.title ?? ""));
}

function variants(root: JSONSchema, kind: NodeKind): JSONSchema[] {
  const p = root.properties ?? {};
  if (kind === "trigger") return p.trigger?.oneOf ?? p.trigger?.anyOf ?? [];
  return p.steps?.items?.oneOf ?? p.steps?.items?.anyOf ?? [];
}

/** nodeSchema is the schema of a trigger's conditions or a step's settings. */
export function nodeSchema(root: JSONSchema, kind: NodeKind, type: string): JSONSchema | undefined {
  const v = variants(root, kind).find((s) => s.properties?.type?.const === type || s.title === type);
  return kind === "trigger" ? v?.properties?.conditions : v?.properties?.settings;
}

export function typeOf(s: JSONSchema): string | undefined {
  if (Array.isArray(s.type)) return s.type.find((x) => x !== "null");
  if (s.type) return s.type;
  if (s.properties) return "object";
  if (s.items) return "array";
  return undefined;
}

/** isMap: an object described only by additionalProperties (headers, hours). */
export function isMap(s: JSONSchema): s is JSONSchema & { additionalProperties: JSONSchema } {
  return typeOf(s) === "object" && !s.properties && typeof s.additionalProperties === "object";
}

// Schema paths name a property wherever it sits: `branches[].conditions[].operator`,
// `hours{}[].from` ({} is a map's value). Every control carries its
// schema path in data-schema-path; data paths (`branches[0].name`) key errors.
export const join = (base: string, name: string) => (base ? `${base}.${name}` : name);

/** schemaPaths lists the path of every property a form for s must offer. */
export function schemaPaths(s: JSONSchema, base = ""): string[] {
  const out: string[] = [];
  const t = typeOf(s);
  if (t === "object" && s.properties) {
    for (const [k, sub] of Object.entries(s.properties)) {
      const p = join(base, k);
      out.push(p, ...schemaPaths(sub, p));
    }
  } else if (isMap(s)) {
    out.push(...schemaPaths(s.additionalProperties, base + "{}"));
  } else if (t === "array" && s.items) {
    out.push(...schemaPaths(s.items, base + "[]"));
  }
  for (const alt of s.oneOf ?? s.anyOf ?? []) out.push(...schemaPaths(alt, base));
  return [...new Set(out)];
}

/** sampleValue builds a value with one item in every list and one key in
 * every map, so a form rendered from it shows every nested control. */
export function sampleValue(s: JSONSchema): unknown {
  const t = typeOf(s);
  if (s.enum?.length) return s.enum[0];
  if (t === "object" && s.properties) return Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, sampleValue(v)]));
  if (isMap(s)) return { key: sampleValue(s.additionalProperties) };
  if (t === "array") return s.items ? [sampleValue(s.items)] : [];
  if (t === "boolean") return true;
  if (t === "integer" || t === "number") return 1;
  if (t === "string") return "x";
  return undefined;
}

// Hints: what the engine's schema does not say yet (its settings are
// described from Go types), taken from docs/workflows.md. Keyed by the
// node's type and the schema path. A schema enum/description wins.
export interface Hint {
  enum?: string[];
  template?: boolean; // the engine renders {{…}} variables in it
  multiline?: boolean;
  min?: number;
  max?: number;
  pattern?: string;
  /** Suggest the workspace's names of this kind (a datalist; any text is still accepted). */
  suggest?: Suggest;
  /** Relevant only when a sibling setting has one of these values; else the
   * form tucks it under "Other settings" (unless it has a value). */
  when?: { field: string; in: string[] };
  /** The labels' key to show instead of the property's name, where two
   * properties of one form share a name (a template header's text). */
  label?: string;
  /** The labels' key (under builderDrawer.empty) of what a picker left
   * empty means, in place of "Choose…" (a step's channel: the contact's). */
  empty?: string;
}

export type Suggest = "field" | "tag" | "stage" | "category" | "team" | "template" | "language";

const T = { template: true };
const ML = { template: true, multiline: true };
const sourcesOpened = ["contact", "user", "workflow", "api"];
const subjects = ["field", "tag", "lifecycle", "variable", "channel", "last_incoming_message", "assignee_status", "time"];
const operators = ["equals", "not_equals", "contains", "starts_with", "exists", "not_exists", "greater_than", "less_than", "between", "has_any_of", "has_all_of", "has_none_of"];

export const hints: Record<string, Record<string, Hint>> = {
  "trigger:conversation_opened": { "sources[]": { enum: sourcesOpened } },
  "trigger:conversation_closed": { "sources[]": { enum: ["user", "workflow", "api", "auto_close", "ai_agent"] }, "categories[]": { suggest: "category" } },
  "trigger:conversation_rated": { at_least: { min: 1, max: 5 }, at_most: { min: 1, max: 5 } },
  "trigger:contact_tag_updated": { action: { enum: ["", "added", "removed"] }, "tags[]": { suggest: "tag" } },
  "trigger:contact_field_updated": { field: { suggest: "field" } },
  "trigger:lifecycle_updated": { "to[]": { suggest: "stage" } },
  "trigger:incoming_webhook": { identify_by: { enum: ["id", "phone", "email"] } },
  "trigger:shortcut": { "inputs[].type": { enum: ["text", "number", "email", "phone", "date"] }, "inputs[].name": { pattern: "^[A-Za-z_][A-Za-z0-9_]*$" } },
  "trigger:schedule": { "contacts.limit": { min: 1, max: 10000 }, "contacts.tag": { suggest: "tag" }, "contacts.lifecycle": { suggest: "stage" } },
  "step:send_message": { text: ML, "quick_replies[]": T, "attachments[].type": { enum: ["image", "video", "audio", "file"] }, "template.params[]": T,
    channel_id: { empty: "conversationChannel" },
    "template.name": { suggest: "template" },
    "template.language": { suggest: "language" },
    "template.header.type": { enum: ["text", "image", "video", "document"], label: "header_type" },
    "template.header.text": { template: true, when: { field: "type", in: ["text"] }, label: "header_text" },
    "template.header.url": { template: true, when: { field: "type", in: ["image", "video", "document"] }, label: "header_url" },
  },
  "step:ask_question": {
    question: ML,
    error_text: ML,
    answer_type: { enum: ["text", "multiple_choice", "number", "date", "phone", "email", "url", "rating", "location"] },
    "save_to.kind": { enum: ["field", "variable", "tag"] },
    "save_to.name": { suggest: "field" },
    retries: { min: 0 },
    options: { when: { field: "answer_type", in: ["multiple_choice"] } },
    min: { when: { field: "answer_type", in: ["number", "rating"] } },
    max: { when: { field: "answer_type", in: ["number", "rating"] } },
    timeout_seconds: { min: 0, max: 604800 },
  },
  "step:open_conversation": { channel_id: { empty: "lastChannel" } },
  "step:assign_to": {
    target: { enum: ["user", "previous", "team", "workspace", "unassign"] },
    queue_message: ML,
    team: { suggest: "team", when: { field: "target", in: ["team"] } },
    user_id: { when: { field: "target", in: ["user"] } },
    team_id: { when: { field: "target", in: ["team"] } },
    strategy: { enum: ["", "round_robin", "least_open", "longest_idle"], when: { field: "target", in: ["team", "workspace"] } },
    only_online: { when: { field: "target", in: ["team", "workspace"] } },
    queue: { when: { field: "target", in: ["team"] } },
    timeout_seconds: { min: 0, max: 604800 },
    max_open: { min: 0 },
  },
  "step:branch": {
    "branches[].match": { enum: ["all", "any"] },
    "branches[].conditions[].subject": { enum: subjects },
    "branches[].conditions[].operator": { enum: operators },
    "branches[].conditions[].name": { suggest: "field", when: { field: "subject", in: ["field", "variable"] } },
    "branches[].conditions[].value": { when: { field: "operator", in: ["equals", "not_equals", "contains", "starts_with", "greater_than", "less_than"] } },
    "branches[].conditions[].values": { when: { field: "operator", in: ["between", "has_any_of", "has_all_of", "has_none_of"] } },
  },
  "step:update_contact_field": { value: T, field: { suggest: "field" } },
  "step:update_lifecycle": { stage: { suggest: "stage" } },
  "step:update_contact_tag": { action: { enum: ["add", "remove"] }, "tags[]": { ...T, suggest: "tag" } },
  "step:add_comment": { text: ML },
  "step:close_conversation": { summary: ML, category: { suggest: "category" } },
  "step:jump_to": { max_jumps: { min: 1, max: 100 } },
  "step:wait": { seconds: { min: 1, max: 604800 } },
  "step:date_time": {
    mode: { enum: ["business_hours", "date_range"] },
    hours: { when: { field: "mode", in: ["business_hours"] } },
    holidays: { when: { field: "mode", in: ["business_hours"] } },
    from: { when: { field: "mode", in: ["date_range"] } },
    to: { when: { field: "mode", in: ["date_range"] } },
    // A day's periods, each between two times of day (the schema's format "time"), labelled as the opening and the closing.
    "hours{}": { label: "periods" },
    "hours{}[].from": { label: "opens" },
    "hours{}[].to": { label: "closes" },
    "holidays[]": { pattern: "^\\d{4}-\\d{2}-\\d{2}$" },
  },
  "step:classify": { text: T, contact_field: { suggest: "field" }, threshold: { min: 0, max: 1 } },
  "step:http_request": {
    method: { enum: ["GET", "POST", "PUT", "PATCH", "DELETE"] },
    url: T,
    body: ML,
    "headers{}": T,
    timeout_seconds: { min: 1, max: 30 },
  },
};

/** effective merges a property's schema with its hint. */
export function effective(s: JSONSchema, hint?: Hint): JSONSchema & { template?: boolean; multiline?: boolean; suggest?: Suggest } {
  const out: JSONSchema & { template?: boolean; multiline?: boolean; suggest?: Suggest } = { ...s, suggest: hint?.suggest };
  if (hint?.enum && !s.enum) out.enum = hint.enum;
  if (hint?.min !== undefined && s.minimum === undefined) out.minimum = hint.min;
  if (hint?.max !== undefined && s.maximum === undefined) out.maximum = hint.max;
  if (hint?.pattern && !s.pattern) out.pattern = hint.pattern;
  const says = `${s.description ?? ""} ${s.format ?? ""}`.toLowerCase();
  out.template = !!hint?.template || says.includes("template");
  out.multiline = !!hint?.multiline || (out.template && (s.maxLength ?? 0) > 200);
  return out;
}

export type ErrorCode =
  | { code: "required" }
  | { code: "type"; type: string }
  | { code: "min"; limit: number }
  | { code: "max"; limit: number }
  | { code: "minLength"; limit: number }
  | { code: "maxLength"; limit: number }
  | { code: "minItems"; limit: number }
  | { code: "maxItems"; limit: number }
  | { code: "pattern"; pattern: string }
  | { code: "enum"; values: string }
  /** Not a time of day (format "time"): value is what is stored, which a time input cannot show. */
  | { code: "time"; value: string }
  /** Not a date with an optional time (format "local-datetime"): value is what is stored. */
  | { code: "localDateTime"; value: string }
  /** Not later than the sibling x-after names, whose value is value. */
  | { code: "after"; value: string };

/**
 * splitLocalDateTime reads a "local-datetime" value (YYYY-MM-DD with an
 * optional HH:MM): its date and time ("" when absent), an empty value as
 * both empty; null for any other shape.
 */
export function splitLocalDateTime(v: string): { date: string; time: string } | null {
  if (v === "") return { date: "", time: "" };
  const m = /^(\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]))(?: ((?:[01]\d|2[0-3]):[0-5]\d))?$/.exec(v);
  return m ? { date: m[1]!, time: m[2] ?? "" } : null;
}

/**
 * isTime tells a 24-hour HH:MM time of day (format "time"), what the
 * server takes; an end (x-after) may be 24:00, the end of the day.
 */
export function isTime(v: string, end: boolean): boolean {
  return /^([01]\d|2[0-3]):[0-5]\d$/.test(v) || (end && v === "24:00");
}

// later tells whether a comes after b: numbers by value, texts in order
// (HH:MM times and YYYY-MM-DD dates order as text, as the server compares them).
function later(a: unknown, b: unknown): boolean | undefined {
  if (typeof a === "number" && typeof b === "number") return a > b;
  if (typeof a === "string" && typeof b === "string" && a !== "" && b !== "") return a > b;
  return undefined;
}

/** validate checks value against s (with hints) and returns errors by data path. */
export function validate(s: JSONSchema, value: unknown, hintsFor: Record<string, Hint> = {}, dataPath = "", schemaPath = ""): Record<string, ErrorCode> {
  const errs: Record<string, ErrorCode> = {};
  const e = effective(s, hintsFor[schemaPath]);
  const t = typeOf(e);
  if (value === undefined || value === null) return errs;
  if (t === "object" && e.properties && typeof value === "object" && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    for (const k of e.required ?? []) {
      const x = v[k];
      if (x === undefined || x === null || x === "") errs[join(dataPath, k)] = { code: "required" };
    }
    for (const [k, sub] of Object.entries(e.properties)) {
      if (errs[join(dataPath, k)]) continue;
      Object.assign(errs, validate(sub, v[k], hintsFor, join(dataPath, k), join(schemaPath, k)));
    }
    // An end not after its start (a period 17:00–09:00): said as it is typed, not on save.
    for (const [k, sub] of Object.entries(e.properties)) {
      const after = sub["x-after"];
      if (after && !errs[join(dataPath, k)] && !errs[join(dataPath, after)] && later(v[k], v[after]) === false) {
        errs[join(dataPath, k)] = { code: "after", value: String(v[after]) };
      }
    }
    return errs;
  }
  if (isMap(e) && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, x] of Object.entries(value as Record<string, unknown>)) Object.assign(errs, validate(e.additionalProperties, x, hintsFor, `${dataPath}{${k}}`, schemaPath + "{}"));
    return errs;
  }
  if (t === "array" && Array.isArray(value)) {
    if (e.minItems !== undefined && value.length < e.minItems) errs[dataPath] = { code: "minItems", limit: e.minItems };
    if (e.maxItems !== undefined && value.length > e.maxItems) errs[dataPath] = { code: "maxItems", limit: e.maxItems };
    if (e.items) value.forEach((x, i) => Object.assign(errs, validate(e.items!, x, hintsFor, `${dataPath}[${i}]`, schemaPath + "[]")));
    return errs;
  }
  if (t === "integer" || t === "number") {
    if (typeof value !== "number" || Number.isNaN(value) || (t === "integer" && !Number.isInteger(value))) return { [dataPath]: { code: "type", type: t } };
    if (e.minimum !== undefined && value < e.minimum) errs[dataPath] = { code: "min", limit: e.minimum };
    else if (e.maximum !== undefined && value > e.maximum) errs[dataPath] = { code: "max", limit: e.maximum };
    return errs;
  }
  if (t === "string" && typeof value === "string") {
    if (e.minLength !== undefined && value.length < e.minLength && value !== "") errs[dataPath] = { code: "minLength", limit: e.minLength };
    else if (e.maxLength !== undefined && value.length > e.maxLength) errs[dataPath] = { code: "maxLength", limit: e.maxLength };
    else if (e.format === "time" && value !== "" && !isTime(value, !!e["x-after"])) errs[dataPath] = { code: "time", value };
    else if (e.format === "local-datetime" && !splitLocalDateTime(value)) errs[dataPath] = { code: "localDateTime", value };
    else if (e.pattern && value !== "" && !new RegExp(e.pattern).test(value)) errs[dataPath] = { code: "pattern", pattern: e.pattern };
    else if (e.enum && value !== "" && !e.enum.includes(value)) errs[dataPath] = { code: "enum", values: e.enum.filter(Boolean).join(", ") };
  }
  return errs;
}

// The order a form shows properties in (the schema's are alphabetical, by
// Go's JSON encoding); properties not named come after, in schema order.
// Keyed by `${kind}:${type}` then the object's schema path ("" for the top).
export const orders: Record<string, Record<string, string[]>> = {
  "trigger:contact_field_updated": { "": ["field", "value"] },
  "trigger:contact_tag_updated": { "": ["tags", "action"] },
  "trigger:incoming_webhook": { "": ["identify_by", "create_contact"] },
  "trigger:schedule": { "": ["cron", "timezone", "contacts"], contacts: ["tag", "lifecycle", "limit"] },
  "trigger:shortcut": { "inputs[]": ["name", "label", "type", "required"] },
  "step:send_message": { "": ["text", "quick_replies", "attachments", "template", "channel_id"], "attachments[]": ["type", "url"], template: ["name", "language", "params", "header"], "template.header": ["type", "text", "url"] },
  "step:ask_question": { "": ["question", "answer_type", "options", "min", "max", "save_to", "retries", "error_text", "timeout_seconds"], save_to: ["kind", "name"] },
  "step:assign_to": { "": ["target", "user_id", "team_id", "team", "strategy", "only_online", "max_open", "queue", "priority", "timeout_seconds", "queue_message"] },
  "step:branch": { "branches[]": ["name", "match", "conditions"], "branches[].conditions[]": ["subject", "name", "operator", "value", "values"] },
  "step:classify": { "": ["text", "save_to", "contact_field", "detect_language", "threshold"] },
  "step:close_conversation": { "": ["category", "summary"] },
  "step:date_time": { "": ["mode", "timezone", "hours", "holidays", "from", "to"] },
  "step:http_request": { "": ["method", "url", "headers", "body", "timeout_seconds", "response"] },
  "step:jump_to": { "": ["step", "max_jumps"] },
  "step:update_contact_field": { "": ["field", "value"] },
  "step:update_contact_tag": { "": ["action", "tags"] },
};

/** ordered lists an object's properties in the order given (unknown ones last). */
export function ordered(props: Record<string, JSONSchema>, order: string[] = []): [string, JSONSchema][] {
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  return Object.entries(props).sort((a, b) => rank(a[0]) - rank(b[0]));
}
