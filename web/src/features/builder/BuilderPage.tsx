// BuilderPage: the workflows list at /builder and the editor at
// /builder/:workflowID. The workflow and the schema are fetched as soon
// as the route is known, beside the editor's first render.
import { useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useEffect } from "react";
import { Route, Routes, useMatch } from "react-router";
import { api } from "../../lib/api";
import { qk } from "../../lib/queryKeys";
import type { Workflow } from "../../lib/types";

// The editor is in this chunk, not one of its own: opening a workflow is
// then one code request fewer before the canvas (docs/benchmarks.md).
import EditorPage from "./editor/EditorPage";

const WorkflowsList = lazy(() => import("./list/WorkflowsList"));

export default function BuilderPage() {
  const qc = useQueryClient();
  const id = useMatch("/builder/:workflowID/*")?.params.workflowID;
  useEffect(() => {
    if (!id) return;
    // The same keys and fetches as the editor's (editor/EditorPage.tsx).
    void qc.prefetchQuery({ queryKey: [...qk.workflows, id], queryFn: () => api.get<Workflow>(`/api/v1/workflows/${encodeURIComponent(id)}`) });
    void qc.prefetchQuery({ queryKey: qk.workflowSchema, queryFn: () => api.get("/api/v1/workflows/schema"), staleTime: Infinity });
  }, [id, qc]);
  return (
    <Suspense fallback={null}>
      <Routes>
        <Route index element={<WorkflowsList />} />
        <Route path=":workflowID/*" element={<EditorPage />} />
      </Routes>
    </Suspense>
  );
}
