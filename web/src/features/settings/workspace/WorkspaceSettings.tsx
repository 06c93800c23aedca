// WorkspaceSettings: placeholder until the section is built.
export default function WorkspaceSettings() {
  return <div data-testid="settings-workspace" />;
}
