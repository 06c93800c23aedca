package messenger

import (
	"sync"
	"time"
)

// sentLog remembers, per channel and contact, the ids and send times of
// the messages this node sent recently, so that the watermark of a
// delivery or read event ("every message up to this time") can be turned
// into statuses of those messages: the receive path records statuses by
// provider message id only. It is in memory and per node, and bounded
// (sentPerContact per contact, sentContacts contacts, HumanAgentWindow of
// age): a watermark reaching a node that did not send the messages (or
// after a restart) covers nothing. Delivery events usually name their
// messages (mids) as well, and Instagram's read events name theirs, so
// what is lost is mainly Messenger's read ticks in those cases.
type sentLog struct {
	mu    sync.Mutex
	now   func() time.Time
	byKey map[sentKey][]sentMsg
	order []sentKey // insertion order of byKey's keys, for eviction
}

type sentKey struct {
	channelID int64
	contact   string
}

type sentMsg struct {
	mid string
	at  int64 // Unix ms, taken before the request left
}

const (
	sentPerContact = 50
	sentContacts   = 20_000
)

func newSentLog() *sentLog {
	return &sentLog{now: time.Now, byKey: map[sentKey][]sentMsg{}}
}

// record notes a message sent at at.
func (l *sentLog) record(channelID int64, contact, mid string, at time.Time) {
	if mid == "" {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	k := sentKey{channelID, contact}
	msgs, known := l.byKey[k]
	if !known {
		if len(l.order) >= sentContacts {
			delete(l.byKey, l.order[0])
			l.order = l.order[1:]
		}
		l.order = append(l.order, k)
	}
	msgs = append(msgs, sentMsg{mid: mid, at: at.UnixMilli()})
	if len(msgs) > sentPerContact {
		msgs = msgs[len(msgs)-sentPerContact:]
	}
	l.byKey[k] = msgs
}

// covered returns the messages sent to the contact at or before
// watermark (Unix ms). forget drops them (a read: no later status can
// follow); messages older than HumanAgentWindow are dropped on the way.
func (l *sentLog) covered(channelID int64, contact string, watermark int64, forget bool) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	k := sentKey{channelID, contact}
	oldest := l.now().Add(-time.Duration(HumanAgentWindow) * time.Second).UnixMilli()
	var out []string
	var keep []sentMsg
	for _, m := range l.byKey[k] {
		switch {
		case m.at < oldest:
		case m.at <= watermark:
			out = append(out, m.mid)
			if !forget {
				keep = append(keep, m)
			}
		default:
			keep = append(keep, m)
		}
	}
	if _, ok := l.byKey[k]; ok {
		l.byKey[k] = keep
	}
	return out
}
