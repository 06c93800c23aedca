package outbound

import (
	"context"
	"encoding/json"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// jobParts is a job's channel.PartLog: the ids of the parts of its
// message already delivered live in the job's row, written under the
// job's lease, so the next attempt (on any node, after a crash too)
// starts after them.
type jobParts struct {
	d   *Dispatcher
	j   job
	ids []string
}

func (d *Dispatcher) partsOf(j job) *jobParts {
	p := &jobParts{d: d, j: j}
	if j.parts != "" {
		// A row this dispatcher wrote; unreadable, it is ignored and the
		// message is sent whole, as before parts were kept.
		json.Unmarshal([]byte(j.parts), &p.ids)
	}
	return p
}

func (p *jobParts) Sent() []string { return p.ids }

// Delivered stores the part's id before the next part is sent; it fails
// when the job's lease was lost (another attempt owns the message now).
func (p *jobParts) Delivered(ctx context.Context, id string) error {
	ids := append(p.ids, id)
	raw, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	// Fenced by the job's row lock, like a record (see settle).
	err = p.d.db.WriteConcurrent(ctx, func(tx *db.Tx) error {
		return fence(ctx, tx, p.j, `UPDATE outbound_jobs SET parts = ? WHERE id = ? AND state = 'pending' AND lease_until = ?`, string(raw))
	})
	if err != nil {
		return err
	}
	p.ids = ids
	return nil
}
