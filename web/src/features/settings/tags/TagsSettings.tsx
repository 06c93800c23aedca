// TagsSettings: placeholder until the section is built.
export default function TagsSettings() {
  return <div data-testid="settings-tags" />;
}
