package channel

import "sync"

// AskedOnce remembers the contacts this node already asked a provider
// about (their profile: Messenger's, LINE's), so that the provider is
// asked once per contact and node, whatever the answer: the receive path
// uses a profile only when it creates the contact. It remembers at most
// askedOnceMax contacts, forgetting the oldest. The zero value is ready.
type AskedOnce struct {
	mu    sync.Mutex
	seen  map[askedKey]bool
	order []askedKey
}

// askedOnceMax bounds what AskedOnce remembers.
const askedOnceMax = 50_000

// askedKey names a contact of a channel.
type askedKey struct {
	channelID  int64
	externalID string
}

// First reports whether the contact known on the channel as externalID
// was not asked about yet, and marks it asked.
func (a *AskedOnce) First(channelID int64, externalID string) bool {
	k := askedKey{channelID, externalID}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.seen == nil {
		a.seen = map[askedKey]bool{}
	}
	if a.seen[k] {
		return false
	}
	if len(a.order) >= askedOnceMax {
		delete(a.seen, a.order[0])
		a.order = a.order[1:]
	}
	a.seen[k] = true
	a.order = append(a.order, k)
	return true
}
