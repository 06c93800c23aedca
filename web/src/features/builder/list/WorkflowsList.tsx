// WorkflowsList: placeholder until the list is built.
export default function WorkflowsList() {
  return <main data-testid="workflows-list" className="flex-1" />;
}
