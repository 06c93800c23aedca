package email

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// LeaseDuration is how long a node's claim on a mailbox lasts unless
// renewed; a poller renews it every LeaseDuration/3 while connected, so a
// node that dies hands the mailbox over within LeaseDuration at the
// latest (sooner when it is found dead: see DueMailbox).
const LeaseDuration = 90 * time.Second

// DueMailbox is the kind of due work told (db.Tx.Due) when mailbox
// leases are freed before their end: the node that finds another dead
// takes its leases back (node.reapSilent), and the pollers waiting for
// them claim again at once.
const DueMailbox = "email_mailbox"

// Holder is the name on the mailbox leases of the node of that id (in the
// nodes table): its id in decimal.
func Holder(nodeID int64) string { return strconv.FormatInt(nodeID, 10) }

// holder is the name this node leases mailboxes under.
func (p *Provider) holder() string {
	if id := p.deps().NodeID; id != 0 {
		return Holder(id)
	}
	return p.holderName
}

// cursor is how far a mailbox was read.
type cursor struct {
	// Mailbox is the mailbox read (Config.mailboxKey): UIDs are numbers
	// of one mailbox, and two mailboxes may share a UIDVALIDITY.
	Mailbox     string
	UIDValidity uint32
	LastUID     uint32
}

// claim takes the mailbox of channelID for this node if nobody holds it
// (or this node already does), for LeaseDuration. When another node holds
// it, ok is false and until is when its lease ends. The UPDATE's
// condition is evaluated on the locked row, so of two nodes claiming at
// once exactly one gets it.
func (p *Provider) claim(ctx context.Context, channelID int64) (ok bool, until time.Time, err error) {
	d, holder := p.deps(), p.holder()
	err = d.DB.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO email_mailboxes (channel_id) VALUES (?) ON CONFLICT (channel_id) DO NOTHING`, channelID); err != nil {
			return err
		}
		now := tx.Now()
		res, err := tx.Exec(ctx, `UPDATE email_mailboxes SET holder = ?, lease_until = ? WHERE channel_id = ? AND (holder = ? OR lease_until < ?)`,
			holder, now+LeaseDuration.Milliseconds(), channelID, holder, now)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		if ok = n == 1; !ok {
			var end int64
			if err := tx.QueryRow(ctx, `SELECT lease_until FROM email_mailboxes WHERE channel_id = ?`, channelID).Scan(&end); err != nil {
				return err
			}
			until = db.Time(end)
		}
		return nil
	})
	if err != nil {
		return false, time.Time{}, fmt.Errorf("email: claim the mailbox of channel %d: %w", channelID, err)
	}
	return ok, until, nil
}

// errLeaseLost ends a session whose lease another node took.
var errLeaseLost = errors.New("email: the mailbox's lease was lost to another node")

// renew extends this node's lease; errLeaseLost if it no longer holds it.
func (p *Provider) renew(ctx context.Context, channelID int64) error {
	return p.holderWrite(ctx, channelID, `UPDATE email_mailboxes SET lease_until = ? WHERE channel_id = ? AND holder = ?`,
		func(now int64) []any { return []any{now + LeaseDuration.Milliseconds(), channelID, p.holder()} })
}

// release ends this node's lease at once, so another node may take over.
func (p *Provider) release(ctx context.Context, channelID int64) {
	_ = p.holderWrite(ctx, channelID, `UPDATE email_mailboxes SET lease_until = 0 WHERE channel_id = ? AND holder = ?`,
		func(int64) []any { return []any{channelID, p.holder()} })
}

// saveCursor records how far the mailbox was read, if this node still
// holds it.
func (p *Provider) saveCursor(ctx context.Context, channelID int64, c cursor) error {
	return p.holderWrite(ctx, channelID, `UPDATE email_mailboxes SET mailbox = ?, uid_validity = ?, last_uid = ? WHERE channel_id = ? AND holder = ?`,
		func(int64) []any {
			return []any{c.Mailbox, int64(c.UIDValidity), int64(c.LastUID), channelID, p.holder()}
		})
}

func (p *Provider) holderWrite(ctx context.Context, channelID int64, q string, args func(now int64) []any) error {
	err := p.deps().DB.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, q, args(tx.Now())...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errLeaseLost
		}
		return nil
	})
	if err != nil && !errors.Is(err, errLeaseLost) {
		return fmt.Errorf("email: mailbox of channel %d: %w", channelID, err)
	}
	return err
}

// loadCursor reads how far the mailbox was read.
func (p *Provider) loadCursor(ctx context.Context, channelID int64) (cursor, error) {
	var mailbox string
	var v, last int64
	err := p.deps().DB.Reader().QueryRow(ctx, `SELECT mailbox, uid_validity, last_uid FROM email_mailboxes WHERE channel_id = ?`, channelID).Scan(&mailbox, &v, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return cursor{}, nil
	}
	if err != nil {
		return cursor{}, fmt.Errorf("email: mailbox of channel %d: %w", channelID, err)
	}
	return cursor{Mailbox: mailbox, UIDValidity: uint32(v), LastUID: uint32(last)}, nil
}
