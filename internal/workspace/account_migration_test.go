package workspace

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// accountsMigration is the migration that made accounts of users.
const accountsMigration = 9

// A store that predates accounts keeps working once migrated: each user
// becomes an account and its membership under the same id, so sign-in,
// passwords, sessions, API tokens and teams carry on, and the person can
// then be added to another workspace.
func TestUsersBeforeAccountsKeepWorking(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := context.Background()
			cfg := dbtest.Config(t, dialect)
			hash, err := newHasher(Options{PasswordIterations: testIterations}.withDefaults()).hash(ctx, "correct horse")
			if err != nil {
				t.Fatal(err)
			}
			raw := openRaw(t, dialect, cfg)
			migrateBefore(t, raw, dialect, accountsMigration)
			apiToken := "sb_an-api-token-from-before-accounts"
			for _, q := range []string{
				`INSERT INTO workspaces (id, name, created_at) VALUES (1, 'Acme', 1000), (2, 'Beta', 1000)`,
				`INSERT INTO users (id, workspace_id, email, name, role, password_hash, created_at) VALUES
					(10, 1, 'ana@acme.io', 'Ana', 'owner', '` + hash + `', 2000),
					(11, 1, 'bob@acme.io', 'Bob', 'agent', '', 3000),
					(12, 2, 'cy@beta.io', 'Cy', 'owner', '` + hash + `', 4000)`,
				`INSERT INTO teams (id, workspace_id, name, created_at) VALUES (5, 1, 'Sales', 1000)`,
				`INSERT INTO team_members (team_id, user_id) VALUES (5, 11)`,
				`INSERT INTO api_tokens (workspace_id, user_id, name, kind, token_hash, prefix, created_at) VALUES
					(1, 11, 'bot', 'api', '` + hashToken(apiToken) + `', 'sb_an-api-', 1000)`,
			} {
				if _, err := raw.Exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			if dialect == db.Postgres { // the rows above gave their ids; the sequences must move past them
				for _, table := range []string{"workspaces", "users", "teams"} {
					if _, err := raw.Exec(`SELECT setval(pg_get_serial_sequence('` + table + `', 'id'), 100)`); err != nil {
						t.Fatal(err)
					}
				}
			}
			raw.Close()

			d, err := db.Open(ctx, cfg)
			if err != nil {
				t.Fatalf("migrate: %v", err)
			}
			t.Cleanup(func() { d.Close() })
			if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM accounts`); n != 3 {
				t.Fatalf("%d accounts; want one per user", n)
			}
			s := newTestService(d, Options{SignInPerEmail: NoLimit, SignInPerAddress: NoLimit})
			pg, err := s.ListUsers(ctx, 1, page.All())
			users := pg.Data
			if err != nil {
				t.Fatal(err)
			}
			want := []User{
				{ID: 10, WorkspaceID: 1, Email: "ana@acme.io", Name: "Ana", Role: RoleOwner, Status: "online", TeamIDs: []int64{}, CreatedAt: db.Time(2000), Kind: KindHuman},
				{ID: 11, WorkspaceID: 1, Email: "bob@acme.io", Name: "Bob", Role: RoleAgent, Status: "online", TeamIDs: []int64{5}, CreatedAt: db.Time(3000), Kind: KindHuman},
			}
			if !reflect.DeepEqual(users, want) {
				t.Fatalf("users after migrating = %+v; want %+v", users, want)
			}
			in, err := s.SignIn(ctx, SignInInput{Email: "ana@acme.io", Password: "correct horse", TTL: time.Hour})
			if err != nil || in.User.ID != 10 {
				t.Fatalf("sign-in after migrating = %+v, %v", in, err)
			}
			if p, err := s.Authenticate(ctx, apiToken); err != nil || p.UserID != 11 || p.WorkspaceID != 1 {
				t.Fatalf("an API token from before = %+v, %v", p, err)
			}
			// Cy's email was Beta's alone; now she may work in Acme too.
			cy, err := s.CreateUser(ctx, 1, NewUser{Email: "cy@beta.io", Name: "Cy", JoinAccount: true})
			if err != nil {
				t.Fatal(err)
			}
			choose, err := s.SignIn(ctx, SignInInput{Email: "cy@beta.io", Password: "correct horse"})
			if err != nil || len(choose.Workspaces) != 2 || choose.Workspaces[0].UserID != cy.ID || choose.Workspaces[1].UserID != 12 {
				t.Fatalf("Cy's sign-in = %+v, %v", choose, err)
			}
			if _, err := s.ChangePassword(ctx, 1, 10, PasswordChange{Current: "correct horse", New: "battery staple"}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// openRaw opens the empty store of cfg without migrating it.
func openRaw(t *testing.T, dialect db.Dialect, cfg db.Config) *sql.DB {
	t.Helper()
	driver, dsn := "pgx", cfg.URL
	if dialect == db.SQLite {
		driver, dsn = "sqlite", "file:"+filepath.Join(cfg.DataDir, db.SQLiteFile)+"?_pragma=foreign_keys(1)"
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	raw.SetMaxOpenConns(1)
	t.Cleanup(func() { raw.Close() })
	return raw
}

// migrateBefore applies the migrations older than version as the runner
// would (it has no "up to" of its own): each file, with a dialect's own
// file in place of the portable one, its macros expanded, and the version
// recorded, so that db.Open goes on from there.
func migrateBefore(t *testing.T, raw *sql.DB, dialect db.Dialect, version int) {
	t.Helper()
	dir := filepath.Join("..", "db", "migrations")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[int]string{}
	for _, e := range entries {
		base := strings.TrimSuffix(e.Name(), ".sql")
		num, rest, _ := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if err != nil || v >= version {
			continue
		}
		if i := strings.LastIndex(rest, "."); i >= 0 {
			if db.Dialect(rest[i+1:]) != dialect {
				continue
			}
			files[v] = e.Name() // a dialect's own file wins
		} else if _, ok := files[v]; !ok {
			files[v] = e.Name()
		}
	}
	versions := make([]int, 0, len(files))
	for v := range files {
		versions = append(versions, v)
	}
	sort.Ints(versions)
	macros := map[db.Dialect]*strings.Replacer{
		db.SQLite:   strings.NewReplacer("{{ID}}", "INTEGER PRIMARY KEY AUTOINCREMENT", "{{BLOB}}", "BLOB"),
		db.Postgres: strings.NewReplacer("{{ID}}", "BIGSERIAL PRIMARY KEY", "{{BLOB}}", "BYTEA"),
	}
	if _, err := raw.Exec(`CREATE TABLE schema_version (version INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, v := range versions {
		body, err := os.ReadFile(filepath.Join(dir, files[v]))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(macros[dialect].Replace(string(body))); err != nil {
			t.Fatalf("%s: %v", files[v], err)
		}
		if _, err := raw.Exec(`INSERT INTO schema_version (version) VALUES (` + strconv.Itoa(v) + `)`); err != nil {
			t.Fatal(err)
		}
	}
}
