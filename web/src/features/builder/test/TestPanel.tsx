// TestPanel: chat with the workflow as a test contact beside the canvas.
// Placeholder until the test panel work lands.
import type { Workflow } from "../../../lib/types";

export interface TestPanelProps {
  workflowID: number;
  workflow: Workflow;
  /** Highlights a run's path on the canvas (null: none). */
  onRun(runID: number | null): void;
}

export function TestPanel(_: TestPanelProps) {
  return <aside data-testid="builder-test-panel" className="border-line bg-bg w-96 shrink-0 border-l p-3" />;
}
