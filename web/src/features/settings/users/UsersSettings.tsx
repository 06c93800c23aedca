// UsersSettings: placeholder until the section is built.
export default function UsersSettings() {
  return <div data-testid="settings-users" />;
}
