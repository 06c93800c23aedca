// SnippetsSettings: placeholder until the section is built.
export default function SnippetsSettings() {
  return <div data-testid="settings-snippets" />;
}
