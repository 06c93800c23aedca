// BuilderPage: the workflows list at /builder and the editor at
// /builder/:workflowID. (Placeholder until the builder is built.)
import { lazy, Suspense } from "react";
import { Route, Routes } from "react-router";

const WorkflowsList = lazy(() => import("./list/WorkflowsList"));
const EditorPage = lazy(() => import("./editor/EditorPage"));

export default function BuilderPage() {
  return (
    <Suspense fallback={null}>
      <Routes>
        <Route index element={<WorkflowsList />} />
        <Route path=":workflowID/*" element={<EditorPage />} />
      </Routes>
    </Suspense>
  );
}
