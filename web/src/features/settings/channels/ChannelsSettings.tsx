// ChannelsSettings: placeholder until the section is built.
export default function ChannelsSettings() {
  return <div data-testid="settings-channels" />;
}
