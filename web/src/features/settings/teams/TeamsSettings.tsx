// TeamsSettings: placeholder until the section is built.
export default function TeamsSettings() {
  return <div data-testid="settings-teams" />;
}
