// InboxPage: views and counts | the conversation list | the conversation.
// (Placeholder until the inbox is built.)
export function InboxPage() {
  return <main className="flex-1" />;
}
