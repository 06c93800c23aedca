// ConversationPane: the open conversation (timeline, composer, actions)
// with the contact panel beside it. (Placeholder until it is built.)
export function ConversationPane({ conversationID }: { conversationID: number }) {
  return <section data-testid="conversation" data-conversation-id={conversationID} className="flex-1" />;
}
