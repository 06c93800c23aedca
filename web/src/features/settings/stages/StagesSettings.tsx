// StagesSettings: placeholder until the section is built.
export default function StagesSettings() {
  return <div data-testid="settings-stages" />;
}
