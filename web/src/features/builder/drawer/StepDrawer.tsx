// StepDrawer: placeholder until the schema-driven forms are built.
export interface DrawerNode {
  kind: "trigger" | "step";
  id: string;
  type: string;
  settings: Record<string, unknown>;
}
export function StepDrawer(_props: { node: DrawerNode; onChange(settings: Record<string, unknown>): void }) {
  return <aside data-testid="step-drawer" />;
}
