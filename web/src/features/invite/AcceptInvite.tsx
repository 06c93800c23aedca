// AcceptInvite: placeholder until invitations are built.
export default function AcceptInvite() {
  return <main data-testid="accept-invite" className="flex-1" />;
}
