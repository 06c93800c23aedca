package contact

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/media"
)

// Input creates or patches a contact; nil fields are left unchanged.
type Input struct {
	FirstName      *string        `json:"first_name"`
	LastName       *string        `json:"last_name"`
	Phone          *string        `json:"phone"`
	Email          *string        `json:"email"`
	Language       *string        `json:"language"`
	Country        *string        `json:"country"`
	AvatarURL      *string        `json:"avatar_url"`
	LifecycleStage *string        `json:"lifecycle_stage"`
	Tags           []string       `json:"tags"`
	Fields         map[string]any `json:"fields"`
}

// standard holds the validated standard columns of a contact.
type standard struct {
	first, last, phone, email, language, country, avatar string
}

func (in Input) apply(s *standard) error {
	for _, f := range []struct {
		name string
		dst  *string
		in   *string
		max  int
	}{{"first_name", &s.first, in.FirstName, MaxNameLen}, {"last_name", &s.last, in.LastName, MaxNameLen},
		{"language", &s.language, in.Language, MaxLanguageLen}, {"country", &s.country, in.Country, MaxCountryLen},
		{"avatar_url", &s.avatar, in.AvatarURL, MaxAvatarURLLen}} {
		if f.in == nil {
			continue
		}
		v := strings.TrimSpace(*f.in)
		if err := limit.Text(f.name, v, f.max); err != nil {
			return err
		}
		*f.dst = v
	}
	if len(in.Tags) > MaxTagsPerWrite {
		return apperr.Invalid("tags", "holds %d tags; at most %d are added at once", len(in.Tags), MaxTagsPerWrite)
	}
	if in.Phone != nil {
		p, err := NormalizePhone(*in.Phone)
		if err != nil {
			return err
		}
		s.phone = p
	}
	if in.Email != nil {
		e, err := NormalizeEmail(*in.Email)
		if err != nil {
			return err
		}
		s.email = e
	}
	if s.first == "" {
		return apperr.Invalid("first_name", "is required")
	}
	return nil
}

func nullStr(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// Create adds a contact.
func (s *Service) Create(ctx context.Context, workspaceID int64, in Input) (Contact, error) {
	var id int64
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		var err error
		id, err = CreateTx(ctx, tx, workspaceID, in)
		return err
	})
	if err != nil {
		return Contact{}, err
	}
	return get(ctx, s.db.Reader(), workspaceID, id)
}

// CreateTx adds a contact inside tx and appends contact.created.
func CreateTx(ctx context.Context, tx *db.Tx, workspaceID int64, in Input) (int64, error) {
	var st standard
	if err := in.apply(&st); err != nil {
		return 0, err
	}
	now := tx.Now()
	var id int64
	var err error
	if in.LifecycleStage == nil {
		// New contacts get the workspace's default stage, looked up in the
		// insert itself: this runs for every first message of a contact.
		err = tx.QueryRow(ctx, `INSERT INTO contacts (workspace_id, first_name, last_name, phone, email, language, country, avatar_url,
			lifecycle_stage_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?,
			(SELECT id FROM lifecycle_stages WHERE workspace_id = ? AND is_default = 1 LIMIT 1), ?, ?) RETURNING id`,
			workspaceID, st.first, st.last, nullStr(st.phone), nullStr(st.email), st.language, st.country, st.avatar, workspaceID, now, now).Scan(&id)
	} else {
		stageID, serr := stageFor(ctx, tx, workspaceID, in.LifecycleStage)
		if serr != nil {
			return 0, serr
		}
		err = tx.QueryRow(ctx, `INSERT INTO contacts (workspace_id, first_name, last_name, phone, email, language, country, avatar_url,
			lifecycle_stage_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			workspaceID, st.first, st.last, nullStr(st.phone), nullStr(st.email), st.language, st.country, st.avatar, stageID, now, now).Scan(&id)
	}
	if err != nil {
		if db.IsUniqueViolation(err) {
			// Keep the cause: the group committer recognises a lost race by it.
			return 0, &apperr.Error{Kind: apperr.KindConflict, Message: "a contact with this phone or email already exists", Err: err}
		}
		return 0, fmt.Errorf("contact: create: %w", err)
	}
	if _, err := setFields(ctx, tx, workspaceID, id, in.Fields); err != nil {
		return 0, err
	}
	for _, tag := range in.Tags {
		if _, err := setTag(ctx, tx, workspaceID, id, tag, true); err != nil {
			return 0, err
		}
	}
	_, err = event.Append(ctx, tx, event.New{WorkspaceID: workspaceID, Type: event.ContactCreated, ContactID: id,
		Payload: map[string]any{"contact_id": id, "first_name": st.first, "phone": st.phone, "email": st.email}})
	return id, err
}

// Update patches a contact and appends contact.updated with the changed
// fields (and contact.lifecycle.updated when the stage changes).
func (s *Service) Update(ctx context.Context, p Principal, id int64, in Input) (Contact, error) {
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		if err := maySee(ctx, tx, p, id); err != nil {
			return err
		}
		return UpdateTx(ctx, tx, p.WorkspaceID, id, in)
	})
	if err != nil {
		return Contact{}, err
	}
	return get(ctx, s.db.Reader(), p.WorkspaceID, id)
}

// UpdateTx patches a contact inside tx.
func UpdateTx(ctx context.Context, tx *db.Tx, workspaceID, id int64, in Input) error {
	// The row alone: the standard fields are what is compared here; the
	// custom fields that change are read after they are set.
	cur, err := getRow(ctx, tx, workspaceID, id)
	if err != nil {
		return err
	}
	old := standard{cur.FirstName, cur.LastName, cur.Phone, cur.Email, cur.Language, cur.Country, cur.AvatarURL}
	st := old
	if err := in.apply(&st); err != nil {
		return err
	}
	var changed []string
	// values carries the new values with the event, so a consumer reading
	// it later (a workflow trigger) sees what this change set, not what a
	// later one did.
	values := map[string]any{}
	for _, c := range []struct {
		name     string
		old, new string
	}{{"first_name", old.first, st.first}, {"last_name", old.last, st.last}, {"phone", old.phone, st.phone},
		{"email", old.email, st.email}, {"language", old.language, st.language}, {"country", old.country, st.country},
		{"avatar_url", old.avatar, st.avatar}} {
		if c.old != c.new {
			changed = append(changed, c.name)
			values[c.name] = c.new
		}
	}
	if len(changed) > 0 {
		_, err := tx.Exec(ctx, `UPDATE contacts SET first_name = ?, last_name = ?, phone = ?, email = ?, language = ?, country = ?,
			avatar_url = ?, updated_at = ? WHERE id = ?`,
			st.first, st.last, nullStr(st.phone), nullStr(st.email), st.language, st.country, st.avatar, tx.Now(), id)
		if db.IsUniqueViolation(err) {
			return apperr.Conflict("another contact has this phone or email")
		}
		if err != nil {
			return fmt.Errorf("contact: update: %w", err)
		}
	}
	fields, err := setFields(ctx, tx, workspaceID, id, in.Fields)
	if err != nil {
		return err
	}
	if len(fields) > 0 {
		now, err := get(ctx, tx, workspaceID, id)
		if err != nil {
			return err
		}
		for _, f := range fields {
			changed = append(changed, "fields."+f)
			values["fields."+f] = now.Fields[f]
		}
	}
	if len(changed) > 0 {
		if _, err := event.Append(ctx, tx, event.New{WorkspaceID: workspaceID, Type: event.ContactUpdated, ContactID: id,
			Payload: map[string]any{"contact_id": id, "changed": changed, "values": values}}); err != nil {
			return err
		}
	}
	if in.LifecycleStage != nil {
		if _, err := setLifecycle(ctx, tx, workspaceID, id, *in.LifecycleStage); err != nil {
			return err
		}
	}
	for _, tag := range in.Tags {
		if _, err := setTag(ctx, tx, workspaceID, id, tag, true); err != nil {
			return err
		}
	}
	return nil
}

// Upsert updates the contact with the input's phone (or, failing that, its
// email) or creates one; created says which happened.
//
// A contact the principal may not see is not found, as by id.
func (s *Service) Upsert(ctx context.Context, p Principal, in Input) (c Contact, created bool, err error) {
	workspaceID := p.WorkspaceID
	// The phone and email as they normalise: " " or "-" is no phone, and
	// would match nothing, creating a contact on every call.
	var phone, email string
	if in.Phone != nil {
		if phone, err = NormalizePhone(*in.Phone); err != nil {
			return Contact{}, false, err
		}
	}
	if in.Email != nil {
		if email, err = NormalizeEmail(*in.Email); err != nil {
			return Contact{}, false, err
		}
	}
	if phone == "" && email == "" {
		return Contact{}, false, apperr.Invalid("phone", "upsert needs a phone or an email to match on")
	}
	var id int64
	// Two upserts of the same new phone race: the loser's insert hits the
	// unique index; running it again finds the winner's contact and updates.
	for attempt := 0; attempt < 3; attempt++ {
		created = false
		err = s.db.Write(ctx, func(tx *db.Tx) error {
			id, _, err = findByPhoneOrEmail(ctx, tx, workspaceID, in)
			if err != nil {
				return err
			}
			if id != 0 {
				if err := maySee(ctx, tx, p, id); err != nil {
					return err
				}
				return UpdateTx(ctx, tx, workspaceID, id, in)
			}
			created = true
			id, err = CreateTx(ctx, tx, workspaceID, in)
			return err
		})
		if !db.IsUniqueViolation(err) {
			break
		}
	}
	if err != nil {
		return Contact{}, false, err
	}
	c, err = get(ctx, s.db.Reader(), workspaceID, id)
	return c, created, err
}

// FindTx returns the id of the contact with the input's phone (or, failing
// that, its email), or 0 when there is none.
func FindTx(ctx context.Context, q db.Querier, workspaceID int64, in Input) (int64, error) {
	id, _, err := findByPhoneOrEmail(ctx, q, workspaceID, in)
	return id, err
}

// findByPhoneOrEmail also says which of the two found it ("phone" or
// "email"; "" for none).
func findByPhoneOrEmail(ctx context.Context, q db.Querier, workspaceID int64, in Input) (id int64, matchedBy string, err error) {
	if in.Phone != nil && *in.Phone != "" {
		p, err := NormalizePhone(*in.Phone)
		if err != nil {
			return 0, "", err
		}
		if id, err := findBy(ctx, q, workspaceID, "phone", p); id != 0 || err != nil {
			return id, "phone", err
		}
	}
	if in.Email != nil && *in.Email != "" {
		e, err := NormalizeEmail(*in.Email)
		if err != nil {
			return 0, "", err
		}
		id, err := findBy(ctx, q, workspaceID, "email", e)
		return id, "email", err
	}
	return 0, "", nil
}

// findBy returns the id of the contact whose column (phone or email) equals
// value, or 0.
func findBy(ctx context.Context, q db.Querier, workspaceID int64, column, value string) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `SELECT id FROM contacts WHERE workspace_id = ? AND `+column+` = ?`, workspaceID, value).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("contact: find by %s: %w", column, err)
	}
	return id, nil
}

// Delete removes a contact with its conversations and messages, and the
// files those messages named that no other record names (a privacy
// erasure takes the contact's photos and documents too; a file also sent
// to another contact, or attached in a workflow, stays): their rows go
// with the contact, their bytes right after (internal/media). The events
// of the contact and their conversations stay in the log, erased to their
// ids and what happened (event.Erased). It needs
// the delete_contacts permission (forbidden without it) and a contact the
// principal may see.
func (s *Service) Delete(ctx context.Context, p Principal, id int64) error {
	if err := mayDelete(p); err != nil {
		return err
	}
	return s.db.Write(ctx, func(tx *db.Tx) error {
		if err := maySee(ctx, tx, p, id); err != nil {
			return err
		}
		return deleteTx(ctx, tx, p.WorkspaceID, id)
	})
}

// canDelete reports whether the principal has the delete_contacts
// permission (owners and workspace tokens always do).
func canDelete(p Principal) bool {
	return p.Can.DeleteContacts || p.UserID == 0 || p.Role == access.RoleOwner
}

// mayDelete refuses a principal without the delete_contacts permission.
func mayDelete(p Principal) error {
	if !canDelete(p) {
		return apperr.Forbidden("you may not delete contacts; an owner can allow it in the workspace's permissions")
	}
	return nil
}

// deleteTx deletes a contact the caller may see (Delete).
func deleteTx(ctx context.Context, tx *db.Tx, workspaceID, id int64) error {
	files, err := media.OfContactTx(ctx, tx, id)
	if err != nil {
		return err
	}
	// The log keeps that things happened, not what the person wrote
	// or was: before their conversations go, while they find them.
	if _, err := event.EraseContactTx(ctx, tx, workspaceID, id); err != nil {
		return err
	}
	if err := tx.DeleteOwned(ctx, "contacts", "contact", workspaceID, id); err != nil {
		return err
	}
	if _, err := media.ReleaseTx(ctx, tx, workspaceID, files); err != nil {
		return err
	}
	_, err = event.Append(ctx, tx, event.New{WorkspaceID: workspaceID, Type: event.ContactDeleted, ContactID: id,
		Payload: map[string]any{"contact_id": id}})
	return err
}
