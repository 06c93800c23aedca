// VersionsPanel: the workflow's published versions beside the canvas, and
// compare mode (the draft against a version, differences marked on the
// canvas through onCompare). Placeholder until the versions work lands.
import type { Workflow } from "../../../lib/types";
import type { Definition } from "../model/graph";

/** StepDiff maps a step id ("trigger" for the trigger) to how it differs. */
export type StepDiff = Map<string, "added" | "changed">;

export interface VersionsPanelProps {
  workflowID: number;
  workflow: Workflow;
  /** The definition on the canvas (the draft being edited). */
  draft: Definition;
  onCompare(diff: StepDiff | null): void;
}

export function VersionsPanel(_: VersionsPanelProps) {
  return <aside data-testid="builder-versions-panel" className="border-line bg-bg w-96 shrink-0 border-l p-3" />;
}
