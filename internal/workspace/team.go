package workspace

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// Team groups users; a user may belong to several teams.
type Team struct {
	ID          int64   `json:"id"`
	WorkspaceID int64   `json:"workspace_id"`
	Name        string  `json:"name"`
	MemberIDs   []int64 `json:"member_ids"`
	// BusinessHours, when it has any interval, is the team's own
	// calendar for the reports' business-hours mode, with Holidays (days
	// YYYY-MM-DD in the workspace's time zone): the durations of the
	// team's conversations count them instead of the workspace's hours
	// and holidays. Empty ({}): the workspace's calendar.
	BusinessHours BusinessHours `json:"business_hours"`
	Holidays      []string      `json:"holidays"`
	CreatedAt     time.Time     `json:"created_at"`
}

// TeamInput creates or replaces a team. On update, a field left out (or
// null) is unchanged; business_hours {} goes back to the workspace's
// calendar.
type TeamInput struct {
	Name          string         `json:"name"`
	MemberIDs     []int64        `json:"member_ids"`
	BusinessHours *BusinessHours `json:"business_hours,omitempty"`
	Holidays      *[]string      `json:"holidays,omitempty"`
}

// CreateTeam adds a team with its members.
func (s *Service) CreateTeam(ctx context.Context, workspaceID int64, in TeamInput) (Team, error) {
	t := Team{WorkspaceID: workspaceID, Name: strings.TrimSpace(in.Name), CreatedAt: db.Time(s.db.Now())}
	if t.Name == "" {
		return t, apperr.Invalid("name", "is required")
	}
	if err := in.check(); err != nil {
		return Team{}, err
	}
	hours, holidays := in.calendar()
	t.BusinessHours, t.Holidays = parseBusinessHours(hours), parseHolidays(holidays)
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO teams (workspace_id, name, business_hours, holidays, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			workspaceID, t.Name, hours, holidays, db.Millis(t.CreatedAt)).Scan(&t.ID); err != nil {
			if db.IsUniqueViolation(err) {
				return apperr.Conflict("a team named %q already exists", t.Name)
			}
			return err
		}
		return setMembers(ctx, tx, workspaceID, t.ID, in.MemberIDs)
	})
	if err != nil {
		return Team{}, wrap("create team", err)
	}
	t.MemberIDs = uniq(in.MemberIDs)
	return t, nil
}

// UpdateTeam renames a team and replaces its members. Everything is read
// and written in one (serialised) write transaction, so no update puts
// back a name or members another just changed, and each event lists what
// its own update added and removed.
func (s *Service) UpdateTeam(ctx context.Context, workspaceID, id int64, in TeamInput) (Team, error) {
	name := sql.NullString{String: strings.TrimSpace(in.Name), Valid: strings.TrimSpace(in.Name) != ""}
	if err := in.check(); err != nil {
		return Team{}, err
	}
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		hours, holidays := in.calendar()
		setHours, setHolidays := sql.NullString{String: hours, Valid: in.BusinessHours != nil}, sql.NullString{String: holidays, Valid: in.Holidays != nil}
		res, err := tx.Exec(ctx, `UPDATE teams SET name = COALESCE(?, name), business_hours = COALESCE(?, business_hours),
			holidays = COALESCE(?, holidays) WHERE workspace_id = ? AND id = ?`, name, setHours, setHolidays, workspaceID, id)
		if db.IsUniqueViolation(err) {
			return apperr.Conflict("a team named %q already exists", name.String)
		}
		if err != nil {
			return err
		}
		if err := db.Affected(res, "team"); err != nil {
			return err
		}
		if in.MemberIDs == nil {
			return nil
		}
		before, err := memberIDs(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM team_members WHERE team_id = ?`, id); err != nil {
			return err
		}
		if err := setMembers(ctx, tx, workspaceID, id, in.MemberIDs); err != nil {
			return err
		}
		// Routing drains the team's queue on this event: a member added
		// may take a waiting conversation at once.
		added, removed := diff(before, uniq(in.MemberIDs))
		if len(added) == 0 && len(removed) == 0 {
			return nil
		}
		_, err = event.Append(ctx, tx, event.New{WorkspaceID: workspaceID, Type: event.TeamMembersUpdated,
			Payload: map[string]any{"team_id": id, "added": added, "removed": removed}})
		return err
	})
	if err != nil {
		return Team{}, wrap("update team", err)
	}
	return s.GetTeam(ctx, workspaceID, id)
}

// check bounds a team's name and its list of members.
func (in TeamInput) check() error {
	if err := limit.Text("name", strings.TrimSpace(in.Name), MaxNameLen); err != nil {
		return err
	}
	if len(in.MemberIDs) > MaxTeamMembers {
		return apperr.Invalid("member_ids", "lists %d users; a team has at most %d members", len(in.MemberIDs), MaxTeamMembers)
	}
	if in.BusinessHours != nil {
		if err := in.BusinessHours.validate(); err != nil {
			return err
		}
	}
	if in.Holidays != nil {
		if len(*in.Holidays) > MaxHolidays {
			return apperr.Invalid("holidays", "holds %d days; at most %d are allowed", len(*in.Holidays), MaxHolidays)
		}
		for i, h := range *in.Holidays {
			if _, err := time.Parse(time.DateOnly, h); err != nil {
				return apperr.Invalid(fmt.Sprintf("holidays[%d]", i), "%q is not a YYYY-MM-DD date", clipKey(h))
			}
		}
	}
	return nil
}

// MaxHolidays bounds a team's holidays.
const MaxHolidays = 366

// calendar is the stored form of the input's hours ("" for none) and
// holidays (a sorted JSON list without repeats).
func (in TeamInput) calendar() (hours, holidays string) {
	if in.BusinessHours != nil {
		hours = in.BusinessHours.encode()
		if hours == "{}" {
			hours = ""
		}
	}
	days := []string{}
	if in.Holidays != nil {
		for _, h := range *in.Holidays {
			if !slices.Contains(days, h) {
				days = append(days, h)
			}
		}
	}
	slices.Sort(days)
	b, _ := json.Marshal(days)
	return hours, string(b)
}

func parseHolidays(s string) []string {
	out := []string{}
	if json.Unmarshal([]byte(s), &out) != nil || out == nil {
		return []string{}
	}
	return out
}

func setMembers(ctx context.Context, tx *db.Tx, workspaceID, teamID int64, members []int64) error {
	for _, uid := range uniq(members) {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM users WHERE id = ? AND workspace_id = ?`, uid, workspaceID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return apperr.Invalid("member_ids", "user %d is not in this workspace", uid)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO team_members (team_id, user_id) VALUES (?, ?)`, teamID, uid); err != nil {
			return err
		}
	}
	return nil
}

// GetTeam returns a team of the workspace with its members.
func (s *Service) GetTeam(ctx context.Context, workspaceID, id int64) (Team, error) {
	var t Team
	var created int64
	var hours, holidays string
	err := s.db.Reader().QueryRow(ctx, `SELECT id, workspace_id, name, business_hours, holidays, created_at FROM teams WHERE workspace_id = ? AND id = ?`,
		workspaceID, id).Scan(&t.ID, &t.WorkspaceID, &t.Name, &hours, &holidays, &created)
	t.BusinessHours, t.Holidays = parseBusinessHours(hours), parseHolidays(holidays)
	if errors.Is(err, sql.ErrNoRows) {
		return t, apperr.NotFound("team")
	}
	if err != nil {
		return t, fmt.Errorf("workspace: get team: %w", err)
	}
	t.CreatedAt = db.Time(created)
	members, err := s.teamMembers(ctx, []int64{id})
	t.MemberIDs = append([]int64{}, members[id]...)
	return t, err
}

// ListTeams returns a page of the workspace's teams, in id order, with
// their members.
func (s *Service) ListTeams(ctx context.Context, workspaceID int64, req page.Request) (page.Page[Team], error) {
	teams, err := s.listTeams(ctx, workspaceID, req)
	return page.CutByID(teams, req.Limit, func(t Team) int64 { return t.ID }), err
}

// TeamByName finds a team of the workspace by name, ignoring case (the
// Assign To step names its team).
func (s *Service) TeamByName(ctx context.Context, workspaceID int64, name string) (Team, error) {
	id, err := s.teamIDByName(ctx, workspaceID, name)
	if err != nil {
		return Team{}, err
	}
	// Read only once the names' rows are closed: a read that holds one
	// pooled connection while it asks for another deadlocks as soon as
	// every connection is held that way (64 workflow workers at once).
	return s.GetTeam(ctx, workspaceID, id)
}

func (s *Service) teamIDByName(ctx context.Context, workspaceID int64, name string) (int64, error) {
	return TeamIDByName(ctx, s.db.Reader(), workspaceID, name)
}

// TeamIDByName finds the id of a team of the workspace by name: the team
// of that exact name, else the first by id whose name matches ignoring
// case (names are unique as written, so "support" and "Support" may both
// exist). q may be a write transaction: the Assign To step resolves its
// team inside its own, in one statement.
func TeamIDByName(ctx context.Context, q db.Querier, workspaceID int64, name string) (int64, error) {
	rows, err := q.Query(ctx, `SELECT id, name FROM teams WHERE workspace_id = ? ORDER BY id`, workspaceID)
	if err != nil {
		return 0, fmt.Errorf("workspace: team by name: %w", err)
	}
	defer rows.Close()
	folded := int64(0)
	for rows.Next() {
		var id int64
		var n string
		if err := rows.Scan(&id, &n); err != nil {
			return 0, err
		}
		if n == name {
			return id, nil
		}
		if folded == 0 && strings.EqualFold(n, name) {
			folded = id
		}
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if folded == 0 {
		return 0, apperr.NotFound("team")
	}
	return folded, nil
}

func (s *Service) listTeams(ctx context.Context, workspaceID int64, req page.Request) ([]Team, error) {
	after, args := req.ByID("id", false)
	rows, err := s.db.Reader().Query(ctx, `SELECT id, workspace_id, name, business_hours, holidays, created_at FROM teams
		WHERE workspace_id = ? AND `+after+` ORDER BY id LIMIT ?`,
		append(append([]any{workspaceID}, args...), req.Fetch())...)
	if err != nil {
		return nil, fmt.Errorf("workspace: list teams: %w", err)
	}
	teams, err := db.Collect(rows, func(rows *sql.Rows) (Team, error) {
		var t Team
		var created int64
		var hours, holidays string
		err := rows.Scan(&t.ID, &t.WorkspaceID, &t.Name, &hours, &holidays, &created)
		t.CreatedAt = db.Time(created)
		t.BusinessHours, t.Holidays = parseBusinessHours(hours), parseHolidays(holidays)
		return t, err
	})
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(teams))
	for i, t := range teams {
		ids[i] = t.ID
	}
	members, err := s.teamMembers(ctx, ids)
	for i := range teams {
		teams[i].MemberIDs = append([]int64{}, members[teams[i].ID]...)
	}
	return teams, err
}

// DeleteTeam removes a team; its members stay in the workspace. A team
// whose queue holds conversations cannot be deleted: nobody could ever
// take them, so they would wait forever.
func (s *Service) DeleteTeam(ctx context.Context, workspaceID, id int64) error {
	return s.db.Write(ctx, func(tx *db.Tx) error {
		// Writes are serialised (see db's lockWrites): no conversation
		// joins the queue between the count and the delete.
		var waiting int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM routing_queue WHERE workspace_id = ? AND team_id = ?`, workspaceID, id).Scan(&waiting); err != nil {
			return err
		}
		if waiting > 0 {
			return apperr.Conflict("%d conversations wait in this team's queue; assign or move them first", waiting)
		}
		return tx.DeleteOwned(ctx, "teams", "team", workspaceID, id)
	})
}

// memberIDs returns a team's members in id order.
func memberIDs(ctx context.Context, q db.Querier, teamID int64) ([]int64, error) {
	return db.QueryIDs(ctx, q, `SELECT user_id FROM team_members WHERE team_id = ? ORDER BY user_id`, teamID)
}

// diff returns the ids in after but not before, and those in before but
// not after, each sorted.
func diff(before, after []int64) (added, removed []int64) {
	added, removed = []int64{}, []int64{}
	for _, id := range after {
		if !slices.Contains(before, id) {
			added = append(added, id)
		}
	}
	for _, id := range before {
		if !slices.Contains(after, id) {
			removed = append(removed, id)
		}
	}
	slices.Sort(added)
	slices.Sort(removed)
	return added, removed
}

func (s *Service) teamMembers(ctx context.Context, teamIDs []int64) (map[int64][]int64, error) {
	if len(teamIDs) == 0 {
		return map[int64][]int64{}, nil
	}
	in, args := db.In(teamIDs)
	rows, err := s.db.Reader().Query(ctx, `SELECT team_id, user_id FROM team_members WHERE team_id IN `+in+` ORDER BY user_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("workspace: team members: %w", err)
	}
	defer rows.Close()
	out := map[int64][]int64{}
	for rows.Next() {
		var t, u int64
		if err := rows.Scan(&t, &u); err != nil {
			return nil, err
		}
		out[t] = append(out[t], u)
	}
	return out, rows.Err()
}

func uniq(ids []int64) []int64 {
	seen := map[int64]bool{}
	out := []int64{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// wrap prefixes internal errors with the package and operation, leaving
// domain errors (and nil) as they are so their kind and message reach the
// caller.
func wrap(op string, err error) error {
	if err == nil || apperr.KindOf(err) != "" {
		return err
	}
	return fmt.Errorf("workspace: %s: %w", op, err)
}
