// TokensSettings: placeholder until the section is built.
export default function TokensSettings() {
  return <div data-testid="settings-tokens" />;
}
