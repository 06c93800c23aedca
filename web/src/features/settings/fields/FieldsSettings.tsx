// FieldsSettings: placeholder until the section is built.
export default function FieldsSettings() {
  return <div data-testid="settings-fields" />;
}
