// useEditHistory: the editor's definition with undo/redo — the history of
// definitions (model/history), kept also in a ref as it changes, ahead of
// the render: a save hands the drawer's pending edit over and saves, in
// the same click, the definition it makes (useDraftSave's PendingEdits).
import { useCallback, useRef, useState } from "react";
import type { Definition } from "../model/graph";
import { type History, amend, historyOf } from "../model/history";

type Update = History<Definition> | ((h: History<Definition>) => History<Definition>);

export interface EditHistory {
  hist: History<Definition>;
  setHist(u: Update): void;
  /** The present definition as last changed, even before the render that shows it. */
  latest(): Definition;
  /**
   * editWith applies a change to the latest definition, so changes queued
   * in one event (the drawer's pending text, then a type change) all land;
   * edits with the same coalesce key in a row are one history entry (typing).
   */
  editWith(change: (d: Definition) => Definition, coalesce?: string): void;
  /** edit puts a definition made from the present on the canvas, one undo step. */
  edit(next: Definition, coalesce?: string): void;
}

export function useEditHistory(initial: () => Definition): EditHistory {
  const [hist, setHistState] = useState<History<Definition>>(() => historyOf(initial()));
  const ref = useRef(hist);
  const setHist = useCallback((u: Update) => {
    ref.current = typeof u === "function" ? u(ref.current) : u;
    setHistState(ref.current);
  }, []);
  const latest = useCallback(() => ref.current.present, []);
  const editWith = useCallback(
    (change: (d: Definition) => Definition, coalesce?: string) => {
      const now = Date.now();
      setHist((h) => amend(h, change(h.present), coalesce, now));
    },
    [setHist],
  );
  const edit = useCallback((next: Definition, coalesce?: string) => editWith(() => next, coalesce), [editWith]);
  return { hist, setHist, latest, editWith, edit };
}
