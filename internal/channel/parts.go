package channel

import "context"

// PartLog lets a sender that delivers one message in several provider
// calls (files one by one, a text after a file) resume after a partial
// failure instead of sending the earlier parts again: the provider APIs
// have no idempotency key, so a retry from the start would show the
// contact the first files twice. The dispatcher keeps the ids of the
// parts already delivered with the message's job, hands them to the next
// attempt, and stores each new one as soon as the provider took it.
//
// A sender asks PartLogOf(ctx) for the log, skips the parts Sent lists,
// and calls Delivered after each part that more parts follow (the last
// part's id is the attempt's answer, recorded with it).
type PartLog interface {
	// Sent returns the provider ids of the parts earlier attempts
	// delivered, in order.
	Sent() []string
	// Delivered durably records the provider id of the next part. An
	// error ends the attempt: the part would be sent again only if its
	// record was lost, as any single-part message would.
	Delivered(ctx context.Context, providerID string) error
}

type partLogKey struct{}

// WithPartLog gives the attempt run with ctx its part log.
func WithPartLog(ctx context.Context, l PartLog) context.Context {
	return context.WithValue(ctx, partLogKey{}, l)
}

// PartLogOf returns the attempt's part log, or one that remembers parts
// for this attempt only (a sender called outside the dispatcher: a test
// message, a probe).
func PartLogOf(ctx context.Context) PartLog {
	if l, ok := ctx.Value(partLogKey{}).(PartLog); ok {
		return l
	}
	return &memoryParts{}
}

// memoryParts is a PartLog of one attempt.
type memoryParts struct{ ids []string }

func (m *memoryParts) Sent() []string { return m.ids }

func (m *memoryParts) Delivered(_ context.Context, id string) error {
	m.ids = append(m.ids, id)
	return nil
}

// SendParts delivers n parts with send(i), skipping those an earlier
// attempt delivered, recording each but the last as it goes, and returns
// every part's provider id in order (the caller picks the message's).
func SendParts(ctx context.Context, n int, send func(i int) (string, error)) ([]string, error) {
	log := PartLogOf(ctx)
	ids := append([]string(nil), log.Sent()...)
	if len(ids) > n {
		ids = ids[:n] // the message changed shape since: never skip what it has not
	}
	for i := len(ids); i < n; i++ {
		id, err := send(i)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
		if i < n-1 {
			if err := log.Delivered(ctx, id); err != nil {
				return nil, err
			}
		}
	}
	return ids, nil
}
