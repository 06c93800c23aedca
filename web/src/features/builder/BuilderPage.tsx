// BuilderPage: the workflows list at /builder and the editor at
// /builder/:workflowID. The editor's code is a chunk of its own: the
// workflow and the schema are fetched while it loads, not after.
import { useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useEffect } from "react";
import { Route, Routes, useMatch } from "react-router";
import { api } from "../../lib/api";
import { qk } from "../../lib/queryKeys";
import type { Workflow } from "../../lib/types";

const WorkflowsList = lazy(() => import("./list/WorkflowsList"));
const EditorPage = lazy(() => import("./editor/EditorPage"));

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
