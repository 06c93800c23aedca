// ContactsPage: placeholder until the contacts are built.
export default function ContactsPage() {
  return <main data-testid="contacts" className="flex-1" />;
}
