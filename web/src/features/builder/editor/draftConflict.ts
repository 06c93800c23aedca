// draftConflict: what the editor needs to save a draft without overwriting
// another person's save — the If-Match naming the revision the canvas was
// based on, how the server says the draft changed since (409
// draft_changed), and who changed it, from the workflow read again. A
// version restored from the versions panel is such a save too.
import { ApiError } from "../../../lib/api";
import type { Workflow } from "../../../lib/types";
import type { Definition } from "../model/graph";

/** ifMatch is the header of a save or publish based on revision; none for undefined (overwrite whatever the draft is). */
export function ifMatch(revision: number | undefined): Record<string, string> {
  return revision ? { "If-Match": `"${revision}"` } : {};
}

/** isDraftChanged tells a save or publish refused because the draft changed since its revision. */
export function isDraftChanged(err: unknown): boolean {
  return err instanceof ApiError && err.status === 409 && err.code === "draft_changed";
}

/** definitionOf is what the canvas edits of w: its draft, else its published version, else an empty manual workflow. */
export function definitionOf(w: Workflow): Definition {
  const d = (w.draft ?? w.published) as unknown as Definition | undefined;
  return d ?? { name: w.name, description: w.description, trigger: { type: "manual" }, steps: [] };
}

/** A version to restore as the draft: its number and definition. */
export interface Restoring {
  version: number;
  definition: Definition;
}

/** A conflict: the save, publish or restore refused, and the workflow as it now is (undefined when it could not be read). */
export interface Conflict {
  action: "save" | "publish" | "restore";
  theirs?: Workflow;
  /** The version whose restore was refused (action "restore"). */
  restore?: Restoring;
}

/** Who changed the draft, as the banner says it. */
export type ChangedBy = { kind: "user"; name: string } | { kind: "you" } | { kind: "unknown" };

export interface ConflictText {
  /** The draft was published (the publish cleared it), not saved. */
  published: boolean;
  by: ChangedBy;
  /** When, ISO 8601; undefined when not known. */
  at?: string;
}

/**
 * describeConflict says who last changed the draft and how. The same
 * person in another tab is "you"; the system or a token without a user is
 * unknown.
 */
export function describeConflict(c: Conflict, meID: number | undefined): ConflictText {
  const w = c.theirs;
  if (!w) return { published: false, by: { kind: "unknown" } };
  const by = w.draft_saved_by;
  return {
    // A save always leaves a draft; a publish clears it.
    published: !w.draft && w.published_version > 0,
    by: !by ? { kind: "unknown" } : by.id === meID ? { kind: "you" } : { kind: "user", name: by.name },
    at: w.draft_saved_at ?? undefined,
  };
}
