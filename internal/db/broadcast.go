package db

import (
	"context"
	"strings"
)

// Broadcast tells the other nodes on this store something that is not
// stored: a hint whose loss costs nothing, such as "Ana is typing in
// conversation 12". On PostgreSQL it rides the NOTIFY channel commits
// use, so it reaches every node's OnBroadcast handlers of topic but this
// one's (whose own callers told their node already); on SQLite one node
// owns the store and there is no one else to tell. topic and msg must not
// hold spaces or colons (topic) — the channel's items are space-separated.
// It returns at once: the broadcast goes out with this node's next NOTIFY
// (a failure to send is logged, and costs what losing a hint costs).
func (d *DB) Broadcast(ctx context.Context, topic, msg string) error {
	if d.Dialect != Postgres {
		return nil
	}
	if strings.ContainsAny(topic, " :") || strings.ContainsRune(msg, ' ') {
		panic("db: a broadcast's topic and message hold no spaces, and the topic no colon")
	}
	// Through the notifier, not a NOTIFY of its own: each was a
	// transaction holding PostgreSQL's notification lock through a
	// flush, queued behind every other node's (see notifier).
	d.notifier.broadcast("b:" + topic + ":" + msg)
	return nil
}

// OnBroadcast registers fn to run with each message another node
// broadcasts on topic. fn runs on the listener's goroutine: it must not
// block.
func (d *DB) OnBroadcast(topic string, fn func(msg string)) {
	d.notifyMu.Lock()
	if d.onBroadcast == nil {
		d.onBroadcast = map[string][]func(string){}
	}
	d.onBroadcast[topic] = append(d.onBroadcast[topic], fn)
	d.notifyMu.Unlock()
}

func (d *DB) broadcastHeard(item string) {
	topic, msg, ok := strings.Cut(item, ":")
	if !ok {
		return
	}
	d.notifyMu.Lock()
	fns := d.onBroadcast[topic]
	d.notifyMu.Unlock()
	for _, fn := range fns {
		fn(msg)
	}
}
