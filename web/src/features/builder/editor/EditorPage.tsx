// EditorPage: placeholder until the canvas is built.
export default function EditorPage() {
  return <main data-testid="workflow-editor" className="flex-1" />;
}
