import { describe, expect, it } from "vitest";
import { IMPORT_MODES, guessTarget, importForm, importLinePhase, parseHeader } from "./ImportPage";
import { defaultChoice, mergeValue, olderSide } from "./MergeDialog";
import { canExport, cleanFilter, dayOf, dayStart } from "./data";
import type { WhoAmI } from "../../lib/types";
import i18n from "../../lib/i18n";

describe("import helpers", () => {
  it("reads a CSV header with quotes and a BOM", () => {
    expect(parseHeader('\uFEFFName,"Phone, mobile","Say ""hi"""\r\nAda,1,2')).toEqual(["Name", "Phone, mobile", 'Say "hi"']);
  });
  it("prefills the mapping from header names", () => {
    const fields = [{ key: "plan", name: "Plan" }];
    expect(guessTarget("First Name", fields)).toBe("first_name");
    expect(guessTarget("E-mail", fields)).toBe("email");
    expect(guessTarget("Téléphone", fields)).toBe("phone");
    expect(guessTarget("Plan", fields)).toBe("fields.plan");
    expect(guessTarget("ID", fields)).toBe("id"); // an export's first column: its rows update their contacts
    expect(guessTarget("Shoe size", fields)).toBe("");
  });
});

// SPEC §2: the import adds only, updates only, or both, and may leave
// what a contact has alone; the wizard sends the server's parts.
describe("import options", () => {
  const file = new Blob(["first_name\nAda\n"]);
  it("sends the mode and do-not-overwrite as parts", () => {
    const body = importForm(file, { Name: "first_name" }, { dry: true, mode: "update_only", keepExisting: true });
    expect(body.get("mapping")).toBe('{"Name":"first_name"}');
    expect(body.get("dry_run")).toBe("true");
    expect(body.get("mode")).toBe("update_only");
    expect(body.get("overwrite")).toBe("false");
    expect(body.get("file")).toBeInstanceOf(Blob);
  });
  it("adds and updates, overwriting, by default", () => {
    const body = importForm(file, {}, { dry: false, mode: "add_and_update", keepExisting: false });
    expect(body.get("mode")).toBe("add_and_update");
    expect(body.get("overwrite")).toBe("true");
  });
  it.each(IMPORT_MODES)("names the mode %s in English and French", (m) => {
    for (const lng of ["en", "fr"]) expect(i18n.exists(`contacts.import.modes.${m}`, { lng }), `${lng} ${m}`).toBe(true);
  });
});

// The wizard always asks for progress, so a bad mapping (two columns to
// one field) comes back as an NDJSON error line naming mapping.<header>:
// the phase must keep that field, or the column's select is never marked.
describe("import progress lines", () => {
  it("keeps the field an error line names", () => {
    expect(importLinePhase({ type: "error", error: { message: "column \"A\" already maps to phone", field: "mapping.B" } }, false)).toEqual({
      kind: "error",
      message: 'column "A" already maps to phone',
      field: "mapping.B",
    });
  });
  it("reads progress and the report", () => {
    expect(importLinePhase({ type: "progress", rows: 1000 }, true)).toEqual({ kind: "running", rows: 1000, dry: true });
    const report = { dry_run: false, rows: 1, created: 1, updated: 0, rejected: 0, errors: [], mapping: {} };
    expect(importLinePhase({ type: "report", report }, false)).toEqual({ kind: "done", report });
    expect(importLinePhase({ type: "other" }, false)).toBeUndefined();
  });
});

describe("merge helpers", () => {
  const a = { id: 1, created_at: "2026-01-01T00:00:00Z" };
  const b = { id: 2, created_at: "2026-02-01T00:00:00Z" };
  it("the older contact's value wins, else the other's", () => {
    expect(olderSide(b, a)).toBe("from");
    expect(olderSide(a, b)).toBe("into");
    expect(defaultChoice("into", "x", "y")).toBe("into");
    expect(defaultChoice("into", "", "y")).toBe("from");
  });
});

// A checkbox field left unticked holds false: a value, which the server
// keeps when its contact is the older (it shows ✗, not an empty cell: the
// dialog showed "—" and said nothing of a choice, then kept false over the
// other contact's ✓).
describe("merge values", () => {
  it("shows an unticked checkbox as a value of its own", () => {
    expect(mergeValue(false)).not.toBe("");
    expect(mergeValue(false)).not.toBe(mergeValue(true));
    expect(defaultChoice("into", mergeValue(false), mergeValue(true))).toBe("into");
    expect(mergeValue(undefined)).toBe("");
    expect(mergeValue(null)).toBe("");
    expect(mergeValue(12)).toBe("12");
  });
});

describe("list helpers", () => {
  it("drops empty filters and turns days into times", () => {
    expect(cleanFilter({ q: "", tag: "vip" })).toEqual({ tag: "vip" });
    expect(dayStart("2026-03-02", "UTC")).toBe("2026-03-02T00:00:00Z");
    expect(dayStart("", "UTC")).toBeUndefined();
  });
  // The list shows each contact's last message on the workspace's calendar;
  // "after 2 March" must mean after 2 March began there, not in UTC.
  it.each([
    ["2026-03-02", "America/New_York", "2026-03-02T05:00:00Z"],
    ["2026-03-02", "Asia/Tokyo", "2026-03-01T15:00:00Z"],
    ["2026-03-29", "Europe/Paris", "2026-03-28T23:00:00Z"], // the clocks go forward at 02:00 that day
    ["2026-10-25", "Europe/Paris", "2026-10-24T22:00:00Z"], // and back at 03:00
    ["2026-03-02", "", "2026-03-02T00:00:00Z"],
  ])("starts %s in %s at %s, and shows that day back", (day, tz, want) => {
    expect(dayStart(day, tz)).toBe(want);
    expect(dayOf(want, tz)).toBe(day);
  });
  it("knows who may export", () => {
    const me = (role: string, perms?: object) =>
      ({ role, workspace: { permissions: { agent: { export_contacts: false }, manager: { export_contacts: true } } }, user: perms ? { permissions: perms } : {} }) as unknown as WhoAmI;
    expect(canExport(me("owner"))).toBe(true);
    expect(canExport(me("agent"))).toBe(false);
    expect(canExport(me("manager"))).toBe(true);
    expect(canExport(me("agent", { export_contacts: true }))).toBe(true);
  });
});

// Every event of the log that names a contact (internal/event/event.go)
// is in the contact's timeline (GET /contacts/{id}/events), so each needs
// a label in both languages: without one the page showed the raw type and
// reported a missing key.
const contactEventTypes = [
  "conversation.opened", "conversation.closed", "conversation.assigned", "conversation.unassigned",
  "conversation.snoozed", "conversation.unsnoozed", "conversation.queued", "conversation.rated",
  "message.received", "message.sent", "message.status", "message.reaction", "message.edited", "message.attachment",
  "comment.created",
  "contact.created", "contact.updated", "contact.deleted", "contact.tag.updated", "contact.lifecycle.updated", "contact.merged",
  "workflow.run.started", "workflow.step", "workflow.run.ended", "ai_agent.turn",
];

describe("the contact's timeline", () => {
  it.each(contactEventTypes)("labels %s in English and French", (type) => {
    const key = `contacts.event.${type.replaceAll(".", "_")}`;
    expect(i18n.exists(key, { lng: "en" }), `en ${key}`).toBe(true);
    expect(i18n.exists(key, { lng: "fr" }), `fr ${key}`).toBe(true);
  });
});
