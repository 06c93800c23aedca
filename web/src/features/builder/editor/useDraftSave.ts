// useDraftSave: the editor's saving — the draft as last saved (the canvas
// is dirty while it differs), save, publish (saving what changed first),
// start/stop, and what the engine answered: the problems that refused a
// save or publish, the warnings a save passed with.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../../../lib/api";
import { qk as queryKeys } from "../../../lib/queryKeys";
import type { Workflow } from "../../../lib/types";
import { useToast } from "../../../lib/ui/toast";
import type { Definition } from "../model/graph";
import type { Problem } from "./Toolbar";

export interface DraftSave {
  /** The draft as this editor last loaded or saved it. */
  saved: Definition;
  dirty: boolean;
  /** The workflow as the server last answered it. */
  current: Workflow;
  problems: Problem[];
  setProblems(p: Problem[]): void;
  warnings: string[];
  setWarnings(w: string[]): void;
  save(): void;
  /** saveNow saves from the keyboard, with the drawer's last keystrokes. */
  saveNow(): void;
  saving: boolean;
  publish(): void;
  publishing: boolean;
  activate(on: boolean): void;
  activating: boolean;
  /** restored records a version restored as the draft (the versions panel saved it). */
  restored(d: Definition): void;
}

/** useDraftSave saves def, the canvas's definition, as workflowID's draft; workflow is the workflow as loaded. */
export function useDraftSave(workflowID: string, workflow: Workflow, def: Definition): DraftSave {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const key = [...queryKeys.workflows, workflowID];
  const [saved, setSaved] = useState<Definition>(def);
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
    setWarnings(w.warnings ?? []);
  };
  const onFailure = (err: unknown) => {
    if (err instanceof ApiError && err.status === 422) {
      const ps = (err.problems as Problem[]).length ? (err.problems as Problem[]) : [{ field: err.field, message: err.message }];
      setProblems(ps);
      toast(t("builderCanvas.problemsFound", { count: ps.length }));
    } else {
      toast(err instanceof Error ? err.message : t("builderCanvas.saveFailed"));
    }
  };
  const save = useMutation({
    mutationFn: (d: Definition) => api.put<Workflow>(`/api/v1/workflows/${workflowID}`, d),
    onSuccess: (w, d) => {
      applyAnswer(w, d);
      setProblems([]);
    },
    onError: onFailure,
  });
  const publish = useMutation({
    mutationFn: async (d: Definition) => {
      if (d !== saved) {
        const w = await api.put<Workflow>(`/api/v1/workflows/${workflowID}`, d);
        applyAnswer(w, d);
      }
      return api.post<Workflow>(`/api/v1/workflows/${workflowID}/publish`);
    },
    onSuccess: (w) => {
      answered(w);
      setProblems([]);
      toast(t("builderCanvas.published", { version: w.published_version }), "info");
    },
    onError: onFailure,
  });
  const activate = useMutation({
    mutationFn: (on: boolean) => api.post<Workflow>(`/api/v1/workflows/${workflowID}/${on ? "start" : "stop"}`),
    onSuccess: answered,
    onError: onFailure,
  });

  // saveNow: the drawer hands its last keystrokes over when its field is
  // left (its debounce): leave it, save once that edit has landed, and give
  // the field its focus back.
  const latestSave = useRef<() => void>(() => {});
  latestSave.current = () => {
    if (def !== saved && !save.isPending) save.mutate(def);
  };
  const saveNow = () => {
    const el = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    el?.blur();
    window.setTimeout(() => {
      latestSave.current();
      el?.focus();
    }, 0);
  };

  return {
    saved,
    dirty: def !== saved,
    current: (qc.getQueryData<Workflow>(key) ?? workflow) as Workflow,
    problems,
    setProblems,
    warnings,
    setWarnings,
    save: () => save.mutate(def),
    saveNow,
    saving: save.isPending,
    publish: () => publish.mutate(def),
    publishing: publish.isPending,
    activate: (on) => activate.mutate(on),
    activating: activate.isPending,
    restored: (d) => {
      setSaved(d);
      setProblems([]);
      setWarnings([]);
    },
  };
}
