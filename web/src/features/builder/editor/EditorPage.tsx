// EditorPage: one workflow on the canvas at /builder/:workflowID — its draft
// (or the published version when there is no draft) as nodes and edges,
// edited through the graph model (../model) with undo/redo, saved as the
// draft, published with every problem the engine reports listed and marked
// (the saving, and another person's save in between: useDraftSave).
import { useQuery } from "@tanstack/react-query";
import {
  Background,
  type Connection,
  Controls,
  type Edge,
  type EdgeChange,
  MarkerType,
  MiniMap,
  type NodeChange,
  ReactFlow,
  ReactFlowProvider,
  applyNodeChanges,
  useReactFlow,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { ApiError, api } from "../../../lib/api";
import { qk as queryKeys } from "../../../lib/queryKeys";
import type { Workflow } from "../../../lib/types";
import { useToast } from "../../../lib/ui/toast";
import { type Clipboard, TRIGGER_ID, addStep, branchOf, connect, copySteps, deleteStep, pasteSteps, toGraph } from "../model/graph";
import { historyOf, redo, undo } from "../model/history";
import { type Positions, positionsFor } from "../model/layout";
import { loadPositions, savePositions } from "../model/positions";
import { refKindsOf, summarize } from "../model/summary";
import { useRefNames } from "../drawer/refs";
import { branchExits, exitCounts, runPath, type RunEntry } from "../model/runPath";
import { type StepCanvas, StepCanvasContext, StepNode, type StepFlowNode, sameStepNode } from "./StepNode";
import { DeleteStepDialog } from "./DeleteStepDialog";
import { RunsAside } from "./RunsAside";
import { exitOrder, sortExits, summarizeTrigger, useFlowAriaLabels } from "./canvasText";
import { ProblemsBanner, Toolbar, WarningsBanner, problemsByNode, type SidePanel } from "./Toolbar";
import { useDraftSave } from "./useDraftSave";
import { useEditHistory } from "./useEditHistory";
import { isTyping, useDark, useSchemaTypes } from "./pageHooks";
import { definitionOf } from "./draftConflict";
import { ConflictBanner } from "./ConflictBanner";
import { EditorDrawer, drawerNodeOf } from "./EditorDrawer";
import type { DrawerHandle } from "../drawer/StepDrawer";
import { VersionsPanel, type StepDiff } from "../versions/VersionsPanel";
import { TestPanel } from "../test/TestPanel";

const nodeTypes = { step: StepNode };

export default function EditorPage() {
  return (
    <ReactFlowProvider>
      <Editor />
    </ReactFlowProvider>
  );
}

function Editor() {
  const { t } = useTranslation();
  const { workflowID = "" } = useParams();
  const key = [...queryKeys.workflows, workflowID];
  const wf = useQuery({
    queryKey: key,
    queryFn: () => api.get<Workflow>(`/api/v1/workflows/${encodeURIComponent(workflowID)}`),
  });
  if (wf.isError) {
    return (
      <main data-testid="workflow-editor" className="text-muted flex-1 p-8">
        {wf.error instanceof ApiError && wf.error.status === 404 ? t("builderCanvas.notFound") : t("builderCanvas.loadFailed")}{" "}
        <Link to="/builder" className="text-accent underline">
          {t("builderCanvas.back")}
        </Link>
      </main>
    );
  }
  if (!wf.data) {
    return <main data-testid="workflow-editor" className="bg-subtle flex-1 animate-pulse" aria-busy="true" />;
  }
  return <Canvas key={workflowID} workflow={wf.data} workflowID={workflowID} />;
}

function Canvas({ workflow, workflowID }: { workflow: Workflow; workflowID: string }) {
  const { t } = useTranslation();
  const toast = useToast();
  const flow = useReactFlow();
  const types = useSchemaTypes();
  const dark = useDark();
  const { hist, setHist, latest, editWith, edit } = useEditHistory(() => definitionOf(workflow));
  // The step drawer: what it was typed in it, waiting for its pause, is taken before a save.
  const drawerRef = useRef<DrawerHandle>(null);
  const [drawerWaiting, setDrawerWaiting] = useState(false);
  const [manual, setManual] = useState<Positions>(() => loadPositions(workflowID));
  const [selected, setSelected] = useState<string | null>(null);
  // The selected connection (an edge's id): Delete frees its exit.
  const [selectedEdge, setSelectedEdge] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<{ id: string; count: number } | null>(null);
  // Runs on the canvas: the runs panel, the run whose path is highlighted,
  // and how many runs took each exit over the last 7 days.
  const [panel, setPanel] = useState<SidePanel | null>(null);
  const [openRun, setOpenRun] = useState<number | null>(null);
  // Compare mode (the versions panel): how each step differs from the version compared with.
  const [diff, setDiff] = useState<StepDiff | null>(null);
  const run = useQuery({
    queryKey: runQueryKey(workflowID, openRun),
    queryFn: () => api.get<{ id: number; status: string; version: number; history?: RunEntry[] }>(`/api/v1/workflows/${workflowID}/runs/${openRun}`),
    enabled: openRun !== null,
  });
  const stats = useQuery({
    queryKey: [...queryKeys.workflows, workflowID, "stats"],
    queryFn: () => api.get<{ steps: { step: string; exit: string; runs: number }[] }>(`/api/v1/workflows/${workflowID}/stats`),
    staleTime: 60_000,
  });
  const normalize = useMemo(() => branchExits(hist.present.steps), [hist.present]);
  const path = useMemo(() => runPath(openRun !== null ? run.data?.history : undefined, "start", normalize), [openRun, run.data, normalize]);
  const counts = useMemo(() => exitCounts(stats.data?.steps, normalize), [stats.data, normalize]);
  const clipboard = useRef<Clipboard | null>(null);
  const def = hist.present;
  // A conflict resolved by reloading theirs: their version replaces the edits, which are not undoable;
  // by restoring a version over theirs: it replaces them as a restore from the versions panel does, undoable.
  const draft = useDraftSave(workflowID, workflow, def, (d, undoable) => (undoable ? edit(d) : setHist(historyOf(d))), {
    waiting: drawerWaiting,
    take: () => {
      drawerRef.current?.flush();
      return latest();
    },
  });
  const { problems, setProblems, dirty, current, saveNow } = draft;

  const graph = useMemo(() => toGraph(def), [def]);
  // The canvas names the users, teams, channels and workflows the steps point at, as the drawer's pickers do.
  const nameOf = useRefNames(useMemo(() => refKindsOf(def.steps), [def]));
  const positions = useMemo(() => positionsFor(def, manual), [def, manual]);
  const problemsByStep = useMemo(() => problemsByNode(problems), [problems]);

  // A step just added is brought into view once the layout has placed it.
  const reveal = useRef<string | null>(null);
  const onAdd = useCallback(
    (source: string, exit: string, type: string) => {
      const r = addStep(hist.present, { source, exit }, type);
      edit(r.def);
      setSelected(r.id);
      reveal.current = r.id;
    },
    [hist.present, edit],
  );
  useEffect(() => {
    const id = reveal.current;
    const p = id ? positions[id] : undefined;
    if (!id || !p) return;
    reveal.current = null;
    void flow.setCenter(p.x + 130, p.y + 60, { zoom: Math.max(flow.getZoom(), 0.75), duration: 200 });
  }, [positions, flow]);

  const built: StepFlowNode[] = useMemo(
    () =>
      graph.nodes.map((n) => {
        const exits =
          n.kind === "trigger"
            ? [{ name: "start", label: t("builderCanvas.start"), wired: graph.edges.some((e) => e.source === TRIGGER_ID) }]
            : graph.edges
                .filter((e) => e.source === n.id && !e.jump)
                .map((e) => ({ name: e.exit, label: e.label, wired: true }))
                .concat(graph.free.filter((f) => f.source === n.id).map((f) => ({ name: f.exit, label: f.label, wired: false })));
        return {
          id: n.id,
          type: "step" as const,
          position: positions[n.id] ?? { x: 0, y: 0 },
          selected: selected === n.id,
          deletable: false,
          ariaLabel:
            n.kind === "trigger"
              ? t("builderCanvas.triggerNode")
              : t("builderCanvas.stepNode", { id: n.id, type: t(`builderCanvas.types.${n.type}`, { defaultValue: n.type }) }),
          data: {
            kind: n.kind,
            stepID: n.kind === "trigger" ? "trigger" : n.id,
            type: n.type,
            name: n.step?.name,
            summary: n.step ? summarize(n.step, nameOf) : summarizeTrigger(def),
            exits: sortExits(n.step ? exitOrder(n.step.type, exits.map((e) => e.name)) : ["start"], exits),
            problems: problemsByStep.get(n.kind === "trigger" ? "trigger" : n.id) ?? [],
            visit: n.kind === "step" ? path.visits.get(n.id) : undefined,
            counts: n.kind === "step" ? counts.get(n.id) : undefined,
            diff: diff?.get(n.kind === "trigger" ? "trigger" : n.id),
          },
        };
      }),
    [graph, positions, selected, problemsByStep, def, t, path, counts, diff, nameOf],
  );
  // Speed (web/e2e/bench/builder.mjs): the types and the add edit reach every node's "+" through a context, not node data.
  const stepCanvas: StepCanvas = useMemo(() => ({ types, onAdd }), [types, onAdd]);

  // React Flow measures nodes into its own copies: keep those between renders.
  // Speed (web/e2e/bench/builder.mjs): a node whose build has not changed keeps React Flow's
  // object, so only the nodes an update touches render again (not all 100 on each select or edit).
  const [nodes, setNodes] = useState<StepFlowNode[]>(built);
  useEffect(() => {
    setNodes((prev) => {
      const old = new Map(prev.map((n) => [n.id, n]));
      let changed = prev.length !== built.length;
      const next = built.map((n, i) => {
        const o = old.get(n.id);
        const keep = o && sameStepNode(o, n) ? o : o?.measured ? { ...n, measured: o.measured } : n;
        if (keep !== prev[i]) changed = true;
        return keep;
      });
      return changed ? next : prev;
    });
  }, [built]);

  const edges: Edge[] = useMemo(
    () =>
      graph.edges.map((e) => ({
        id: e.id,
        source: e.source,
        sourceHandle: e.jump ? null : e.exit,
        target: e.target,
        label: e.label || undefined,
        type: "smoothstep",
        animated: !!e.jump || path.edges.has(e.id),
        markerEnd: { type: MarkerType.ArrowClosed },
        // The open run's path stands out; every other edge keeps its look.
        style: path.edges.has(e.id)
          ? { stroke: "var(--sb-success)", strokeWidth: 2.5 }
          : e.jump
            ? { strokeDasharray: "4 4" }
            : undefined,
        className: path.edges.has(e.id) ? "run-path" : undefined,
        labelBgStyle: { fill: "var(--sb-bg)" },
        labelStyle: { fill: "var(--sb-muted)", fontSize: 11 },
        // A step's exit can be unwired (Delete); the trigger's start and a Jump To's target cannot.
        focusable: freeable(e),
        selectable: freeable(e),
        selected: e.id === selectedEdge,
        ariaLabel: t("builderCanvas.edgeLabel", { from: e.source === TRIGGER_ID ? t("builderCanvas.triggerNode") : e.source, exit: e.label || e.exit, to: e.target }),
      })),
    [graph, t, path, selectedEdge],
  );

  const ariaLabels = useFlowAriaLabels();

  const onNodesChange = useCallback(
    (changes: NodeChange<StepFlowNode>[]) => {
      setNodes((ns) => applyNodeChanges(changes, ns));
      for (const c of changes) {
        if (c.type === "select" && c.selected) {
          setSelected(c.id);
          setSelectedEdge(null);
        }
        if (c.type === "position" && c.position && c.dragging === false) {
          setManual((m) => {
            const next = { ...m, [c.id]: c.position! };
            savePositions(workflowID, next);
            return next;
          });
        }
      }
    },
    [workflowID],
  );
  // A drag's last change may come without a position: record where the node ended.
  const onNodeDragStop = useCallback(
    (_: unknown, node: StepFlowNode) => {
      setManual((m) => {
        const next = { ...m, [node.id]: node.position };
        savePositions(workflowID, next);
        return next;
      });
    },
    [workflowID],
  );

  const onEdgesChange = useCallback((changes: EdgeChange<Edge>[]) => {
    for (const c of changes) {
      if (c.type !== "select") continue;
      if (c.selected) {
        setSelectedEdge(c.id);
        setSelected(null);
      } else setSelectedEdge((cur) => (cur === c.id ? null : cur));
    }
  }, []);

  const onConnect = useCallback(
    (c: Connection) => {
      if (!c.source || !c.target || c.target === TRIGGER_ID) return;
      edit(connect(hist.present, c.source, c.sourceHandle ?? "next", c.target));
    },
    [hist.present, edit],
  );

  const askDelete = (id: string) => {
    if (id === TRIGGER_ID) return;
    setConfirmDelete({ id, count: branchOf(hist.present, id).length });
  };
  const doDelete = () => {
    if (!confirmDelete) return;
    edit(deleteStep(hist.present, confirmDelete.id));
    setSelected(null);
    setConfirmDelete(null);
  };

  // The shortcuts listen on the window: focus may be on the page's body (after a dialog closes).
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.defaultPrevented || confirmDelete) return;
    if ((e.metaKey || e.ctrlKey) && e.key.toLowerCase() === "s") {
      // Save, even from a field of the drawer (not the browser's "Save page").
      e.preventDefault();
      saveNow();
      return;
    }
    if (isTyping(e)) return;
    // Not while a menu, popover or another dialog has the focus.
    if ((e.target as HTMLElement | null)?.closest?.("[role=dialog],[role=menu],[data-radix-popper-content-wrapper]")) return;
    const mod = e.metaKey || e.ctrlKey;
    const k = e.key.toLowerCase();
    const unwire = selectedEdge ? graph.edges.find((x) => x.id === selectedEdge) : undefined;
    if ((e.key === "Delete" || e.key === "Backspace") && unwire && freeable(unwire)) {
      e.preventDefault();
      edit(connect(hist.present, unwire.source, unwire.exit, undefined));
      setSelectedEdge(null);
    } else if ((e.key === "Delete" || e.key === "Backspace") && selected && selected !== TRIGGER_ID) {
      e.preventDefault();
      askDelete(selected);
    } else if (mod && k === "c" && selected && selected !== TRIGGER_ID) {
      // Every selected step (Ctrl/⌘-click selects several), else the one in the drawer.
      const ids = nodes.filter((n) => n.selected && n.id !== TRIGGER_ID).map((n) => n.id);
      clipboard.current = copySteps(hist.present, ids.length ? ids : [selected]);
      toast(t("builderCanvas.copied"), "info");
    } else if (mod && k === "v" && clipboard.current) {
      e.preventDefault();
      const at = graph.free.find((f) => f.source === selected);
      const r = pasteSteps(hist.present, clipboard.current, at);
      edit(r.def);
      if (r.ids[0]) setSelected(r.ids[0]);
    } else if (mod && k === "z") {
      e.preventDefault();
      setHist((h) => (e.shiftKey ? redo(h) : undo(h)));
    } else if (mod && k === "y") {
      e.preventDefault();
      setHist(redo);
    } else if (e.key === "Escape") {
      setSelected(null);
      setSelectedEdge(null);
    }
  };

  // Leaving with unsaved changes asks first (the browser's own prompt).
  useEffect(() => {
    if (!dirty) return;
    const h = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", h);
    return () => window.removeEventListener("beforeunload", h);
  }, [dirty]);

  const keyHandler = useRef(onKeyDown);
  keyHandler.current = onKeyDown;
  useEffect(() => {
    const h = (e: KeyboardEvent) => keyHandler.current(e);
    window.addEventListener("keydown", h);
    return () => window.removeEventListener("keydown", h);
  }, []);

  const focusStep = (id: string) => {
    const nodeID = id === "trigger" ? TRIGGER_ID : id;
    const p = positions[nodeID];
    if (!p) return;
    setSelected(nodeID);
    void flow.setCenter(p.x + 130, p.y + 60, { zoom: 1, duration: 300 });
  };

  const drawerNode = drawerNodeOf(def, selected);

  return (
    <main
      data-testid="workflow-editor"
      data-workflow-id={workflowID}
      data-dirty={dirty ? "true" : undefined}
      className="flex min-h-0 flex-1 flex-col"
    >
      <Toolbar
        name={def.name}
        workflow={current}
        dirty={dirty}
        canUndo={hist.past.length > 0}
        canRedo={hist.future.length > 0}
        onUndo={() => setHist(undo)}
        onRedo={() => setHist(redo)}
        panel={panel}
        onPanel={(p) => {
          setPanel((o) => (o === p ? null : p));
          setOpenRun(null);
          setDiff(null);
        }}
        onArrange={() => {
          setManual({});
          savePositions(workflowID, {});
          window.setTimeout(() => void flow.fitView({ maxZoom: 1, padding: 0.15, duration: 200 }), 0);
        }}
        onSave={draft.save}
        saving={draft.saving}
        onPublish={draft.publish}
        publishing={draft.publishing}
        onActivate={draft.activate}
        activating={draft.activating}
      />
      <ConflictBanner draft={draft} />
      <ProblemsBanner problems={problems} onFocus={focusStep} onDismiss={() => setProblems([])} />
      <WarningsBanner warnings={draft.warnings} onFocus={focusStep} onDismiss={() => draft.setWarnings([])} />
      <div className="flex min-h-0 flex-1">
        <div className="relative min-h-0 flex-1" data-testid="builder-canvas">
          <StepCanvasContext.Provider value={stepCanvas}>
            <ReactFlow<StepFlowNode, Edge>
              nodes={nodes}
              edges={edges}
              nodeTypes={nodeTypes}
              onNodesChange={onNodesChange}
              onNodeDragStop={onNodeDragStop}
              onConnect={onConnect}
              onEdgesChange={onEdgesChange}
              onPaneClick={() => {
                setSelected(null);
                setSelectedEdge(null);
              }}
              onNodeClick={(_, n) => {
                setSelected(n.id);
                setSelectedEdge(null);
              }}
              deleteKeyCode={null}
              fitView
              fitViewOptions={{ maxZoom: 1, padding: 0.15 }}
              minZoom={0.1}
              colorMode={dark ? "dark" : "light"}
              proOptions={{ hideAttribution: true }}
              ariaLabelConfig={ariaLabels}
              style={{ ["--xy-background-color" as string]: "var(--sb-bg)", ["--xy-node-background-color" as string]: "var(--sb-bg)" }}
            >
              <Background gap={20} />
              <Controls showInteractive={false} />
              <MiniMap pannable zoomable ariaLabel={t("builderCanvas.minimap")} />
            </ReactFlow>
          </StepCanvasContext.Provider>
        </div>
        {panel === "versions" && !drawerNode && (
          <VersionsPanel
            workflowID={Number(workflowID)}
            workflow={current}
            draft={def}
            onCompare={setDiff}
            onFocusStep={focusStep}
            revision={draft.revision}
            onRestore={(d, w) => {
              edit(d);
              draft.restored(d, w);
            }}
            onRestoreRefused={draft.restoreRefused}
          />
        )}
        {panel === "test" && !drawerNode && <TestPanel workflowID={Number(workflowID)} workflow={current} onRun={setOpenRun} />}
        {panel === "runs" && !drawerNode && (
          <RunsAside
            workflowID={Number(workflowID)}
            openRun={openRun}
            summary={run.data ? { status: run.data.status, version: run.data.version, steps: path.visits.size } : null}
            onOpenRun={setOpenRun}
          />
        )}
        {drawerNode && (
          <EditorDrawer
            handle={drawerRef}
            onPending={setDrawerWaiting}
            def={def}
            selected={selected}
            problems={problems}
            workflowID={Number(workflowID)}
            editWith={editWith}
            onClose={() => setSelected(null)}
          />
        )}
      </div>
      <DeleteStepDialog confirm={confirmDelete} onCancel={() => setConfirmDelete(null)} onDelete={doDelete} />
    </main>
  );
}

/** freeable: a step's exit, which a run may leave unwired (it ends there); not the trigger's start nor a jump. */
function freeable(e: { source: string; jump?: boolean }) {
  return e.source !== TRIGGER_ID && !e.jump;
}

/** runQueryKey is the key of one run's detail, the path on the canvas: the test panel refreshes it as the run moves. */
export function runQueryKey(workflowID: string | number, runID: number | null) {
  return [...queryKeys.workflows, String(workflowID), "run", runID] as const;
}
