// useDraftSave: the editor's saving — the draft as last saved (the canvas
// is dirty while it differs), save, publish (saving what changed first),
// start/stop, and what the engine answered: the problems that refused a
// save or publish, the warnings a save passed with. Saves and publishes
// name the draft revision the canvas was based on (If-Match): when someone
// else saved or published since, the server refuses (409 draft_changed)
// and the conflict is kept until the person reloads theirs or keeps
// theirs own, saved on the new revision — never lost silently. Every
// save and publish first takes the edits not yet on the canvas (the step
// drawer's typing, handed over after a pause): a click an instant after a
// keystroke or a pick saves it too. A version restored from the versions
// panel is saved on the same revision; refused, it is the same conflict,
// whose overwrite restores the version over theirs.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../../../lib/api";
import { qk as queryKeys } from "../../../lib/queryKeys";
import type { Workflow } from "../../../lib/types";
import { useToast } from "../../../lib/ui/toast";
import type { Definition } from "../model/graph";
import { type Conflict, type Restoring, definitionOf, ifMatch, isDraftChanged } from "./draftConflict";
import type { Problem } from "./Toolbar";

/** Edits made but not yet in the canvas's definition: the step drawer's typing, waiting for its pause. */
export interface PendingEdits {
  /** Whether some are waiting: the canvas has unsaved changes meanwhile. */
  waiting: boolean;
  /** take hands them over now and answers the definition with them in it. */
  take(): Definition;
}

export interface DraftSave {
  /** The draft as this editor last loaded or saved it. */
  saved: Definition;
  dirty: boolean;
  /** The workflow as the server last answered it. */
  current: Workflow;
  /** The draft revision the canvas is based on: what a change sends as If-Match. */
  revision: number;
  problems: Problem[];
  setProblems(p: Problem[]): void;
  warnings: string[];
  setWarnings(w: string[]): void;
  save(): void;
  /** saveNow saves from the keyboard (Ctrl/⌘+S): nothing when there is nothing to save or a save is on its way. */
  saveNow(): void;
  saving: boolean;
  publish(): void;
  publishing: boolean;
  activate(on: boolean): void;
  activating: boolean;
  /** restored records a version restored as the draft (the versions panel saved it, answering w). */
  restored(d: Definition, w: Workflow): void;
  /**
   * restoreRefused records a restore the versions panel sent on revision
   * and the server refused, the draft changed since (draft_changed): the
   * conflict is shown as for a save; nothing changed.
   */
  restoreRefused(r: Restoring): void;
  /** The save, publish or restore someone else's change refused, until reload or overwrite resolves it. */
  conflict: Conflict | null;
  /** reload drops the canvas's edits for the draft as it now is (the caller confirms first). */
  reload(): void;
  /**
   * overwrite saves the canvas over theirs (on their revision), and
   * publishes it if that was refused; a refused restore restores the
   * version over theirs.
   */
  overwrite(): void;
}

/**
 * useDraftSave saves def, the canvas's definition, as workflowID's draft;
 * workflow is the workflow as loaded. onReload puts a definition on the
 * canvas: read from the server (a conflict resolved by reloading), or,
 * undoable, a version restored over theirs (as a restore from the panel,
 * Undo brings the edits it replaced back). pending gives the edits not
 * yet in def, taken before each save and publish.
 */
export function useDraftSave(
  workflowID: string,
  workflow: Workflow,
  def: Definition,
  onReload: (d: Definition, undoable?: boolean) => void,
  pending?: PendingEdits,
): DraftSave {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const key = [...queryKeys.workflows, workflowID];
  const url = `/api/v1/workflows/${workflowID}`;
  const [saved, setSaved] = useState<Definition>(def);
  // The draft revision saved is (what a change sends as If-Match): set by
  // this editor's own loads, saves and publishes only, never by a refetch
  // of the workflow, which may hold someone else's later save.
  const [base, setBase] = useState<number>(workflow.draft_revision);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  // What the last save was warned about: saved, but a text will not render as written.
  const [warnings, setWarnings] = useState<string[]>([]);

  const answered = (w: Workflow) => {
    qc.setQueryData(key, w);
    void qc.invalidateQueries({ queryKey: queryKeys.workflows, exact: true });
  };
  const applyAnswer = (w: Workflow, sent: Definition) => {
    answered(w);
    setSaved(sent);
    setBase(w.draft_revision);
    setWarnings(w.warnings ?? []);
  };
  // refused shows the conflict: who changed the draft, and their version
  // to reload, from the workflow as it now is.
  const refused = (action: Conflict["action"], restore?: Restoring) =>
    void api.get<Workflow>(url).then(
      (theirs) => {
        answered(theirs);
        setConflict({ action, theirs, restore });
      },
      () => setConflict({ action, restore }),
    );
  const onFailure = (err: unknown, action?: Conflict["action"], restore?: Restoring) => {
    if (action && isDraftChanged(err)) {
      refused(action, restore);
    } else if (err instanceof ApiError && err.status === 422) {
      const ps = (err.problems as Problem[]).length ? (err.problems as Problem[]) : [{ field: err.field, message: err.message }];
      setProblems(ps);
      toast(t("builderCanvas.problemsFound", { count: ps.length }));
    } else {
      toast(err instanceof Error ? err.message : t("builderCanvas.saveFailed"));
    }
  };
  // A change names the revision it was based on: base, or theirs once the
  // person chose to overwrite it (undefined: theirs could not be read, and
  // the change overwrites whatever the draft is).
  interface Change {
    d: Definition;
    revision: number | undefined;
    /** Save d even if it is what this editor saved: over theirs, not to publish theirs. */
    force?: boolean;
  }
  const save = useMutation({
    mutationFn: ({ d, revision }: Change) => api.put<Workflow>(url, d, ifMatch(revision)),
    onSuccess: (w, { d }) => {
      applyAnswer(w, d);
      setProblems([]);
    },
    onError: (err) => onFailure(err, "save"),
  });
  const publish = useMutation({
    mutationFn: async ({ d, revision, force }: Change) => {
      if (force || d !== saved) {
        const w = await api.put<Workflow>(url, d, ifMatch(revision));
        applyAnswer(w, d);
        revision = w.draft_revision;
      }
      return api.post<Workflow>(`${url}/publish`, undefined, ifMatch(revision));
    },
    onSuccess: (w) => {
      answered(w);
      setBase(w.draft_revision);
      setProblems([]);
      toast(t("builderCanvas.published", { version: w.published_version }), "info");
    },
    onError: (err) => onFailure(err, "publish"),
  });
  // A version restored over theirs, once the person chose so: on the canvas
  // as the panel's restore puts it, undoable.
  const restore = useMutation({
    mutationFn: ({ definition, revision }: Restoring & { revision: number | undefined }) => api.put<Workflow>(url, definition, ifMatch(revision)),
    onSuccess: (w, { version, definition }) => {
      applyAnswer(w, definition);
      setProblems([]);
      onReload(definition, true);
      toast(t("builderVersions.restored", { version }), "info");
    },
    onError: (err, { version, definition }) => onFailure(err, "restore", { version, definition }),
  });
  const activate = useMutation({
    mutationFn: (on: boolean) => api.post<Workflow>(`/api/v1/workflows/${workflowID}/${on ? "start" : "stop"}`),
    onSuccess: answered,
    onError: (err) => onFailure(err),
  });

  // latest is the definition to save: def with the edits still pending.
  const latest = () => pending?.take() ?? def;

  return {
    saved,
    dirty: def !== saved || !!pending?.waiting,
    current: (qc.getQueryData<Workflow>(key) ?? workflow) as Workflow,
    revision: base,
    problems,
    setProblems,
    warnings,
    setWarnings,
    save: () => save.mutate({ d: latest(), revision: base }),
    saveNow: () => {
      const d = latest();
      if (d !== saved && !save.isPending) save.mutate({ d, revision: base });
    },
    saving: save.isPending || restore.isPending,
    publish: () => publish.mutate({ d: latest(), revision: base }),
    publishing: publish.isPending,
    activate: (on) => activate.mutate(on),
    activating: activate.isPending,
    restored: (d, w) => {
      setSaved(d);
      setBase(w.draft_revision);
      setProblems([]);
      setWarnings([]);
      setConflict(null);
    },
    restoreRefused: (r) => refused("restore", r),
    conflict,
    reload: () => {
      const theirs = conflict?.theirs;
      if (!theirs) return;
      const d = definitionOf(theirs);
      onReload(d);
      setSaved(d);
      setBase(theirs.draft_revision);
      setProblems([]);
      setWarnings([]);
      setConflict(null);
    },
    overwrite: () => {
      if (!conflict) return;
      const revision = conflict.theirs?.draft_revision;
      setConflict(null);
      if (conflict.action === "restore" && conflict.restore) return restore.mutate({ ...conflict.restore, revision });
      const change = { d: latest(), revision, force: true };
      if (conflict.action === "publish") publish.mutate(change);
      else save.mutate(change);
    },
  };
}
