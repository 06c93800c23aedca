package aiagent_test

import (
	"testing"

	"github.com/switchboard-chat/switchboard/internal/aiagent"
)

// A topic matches the words a contact writes whatever their ending, as
// the knowledge search does: the stemmer gives "delivery", "delivered"
// and "deliver" three different terms, and a message about a parcel
// "never delivered" was handed over as off topic for a "delivery" agent.
func TestTopicMatchesEveryFormOfItsWords(t *testing.T) {
	for _, c := range []struct {
		topics []string
		text   string
		want   bool
	}{
		{[]string{"delivery"}, "My parcel was never delivered", true},
		{[]string{"delivery"}, "Can I deliver it to my office?", true},
		{[]string{"delivered"}, "What are your delivery times?", true},
		{[]string{"livraison"}, "Mon colis n'a pas été livré", true},
		{[]string{"refunds"}, "I was refunded twice", true},
		{[]string{"delivery"}, "How do I reset my password?", false},
		{[]string{"card"}, "Can I pay by car?", false},
		{[]string{"order status"}, "Where is the status of my order?", true},
		{[]string{"order status"}, "I want to order a pizza", false},
	} {
		if got := aiagent.OnTopic(c.text, c.topics); got != c.want {
			t.Errorf("OnTopic(%q, %q) = %v, want %v", c.text, c.topics, got, c.want)
		}
	}
}
