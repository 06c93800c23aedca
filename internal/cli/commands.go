package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/app"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/demo"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// migrate applies pending migrations and exits (serve also does this on
// start; this is for deployments that migrate in a separate step).
func migrate(ctx context.Context, args []string, stderr io.Writer) error {
	fs := newFlagSet("migrate", stderr)
	var sf storeFlags
	sf.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	d, err := sf.openStore(ctx, stderr)
	if err != nil {
		return err
	}
	return d.Close()
}

// demoCmd loads the demo workspace and prints how to use it.
func demoCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("demo", stderr)
	var sf storeFlags
	sf.register(fs)
	asJSON := fs.Bool("json", false, "print the result as JSON, for scripts")
	workflows := fs.Bool("workflows", true, "load and start the seed's inbound workflow (--workflows=false leaves it out)")
	password := fs.String("password", "switchboard", "the demo owner's password")
	channelURL := fs.String("channel-url", "http://127.0.0.1:9090", "base URL of the integrator receiving the custom channel's outbound messages")
	var nf networkFlags
	nf.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := sf.setupLogging(stderr); err != nil {
		return err
	}
	cfg := sf.config("")
	var err error
	if cfg.AllowPrivateNetworks, err = nf.ranges(fs, true); err != nil {
		return err
	}
	a, err := app.New(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	res, err := demo.Load(ctx, demoServices(a), demo.Options{Password: *password, ChannelURL: *channelURL, NoWorkflows: !*workflows})
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(res)
	}
	printDemo(stdout, "http://<addr>", res)
	return nil
}

// userUsage is the user command's usage.
const userUsage = "usage: switchboard user create --workspace ID --email EMAIL --name NAME [--role ROLE] [--password PW]\n" +
	"       switchboard user password --email EMAIL --password PW\n" +
	"       switchboard user two-factor-off --email EMAIL"

// userCmd manages users: "user create", "user password",
// "user two-factor-off".
func userCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "password" {
		return userPasswordCmd(ctx, args, stdout, stderr)
	}
	if len(args) > 0 && args[0] == "two-factor-off" {
		return userTwoFactorOffCmd(ctx, args, stdout, stderr)
	}
	if len(args) == 0 || args[0] != "create" {
		return errors.New(userUsage)
	}
	fs := newFlagSet("user create", stderr)
	var sf storeFlags
	sf.register(fs)
	wsID := fs.Int64("workspace", 0, "workspace id (0 creates a new workspace named after --workspace-name)")
	wsName := fs.String("workspace-name", "My Workspace", "name of the workspace to create when --workspace is 0")
	email := fs.String("email", "", "sign-in email")
	name := fs.String("name", "", "display name")
	role := fs.String("role", workspace.RoleOwner, "owner, manager or agent")
	password := fs.String("password", "", "password (at least 8 characters); unused when the email already signs in, whose password stays")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	d, err := sf.openStore(ctx, stderr)
	if err != nil {
		return err
	}
	defer d.Close()
	ws := workspace.New(d)
	in := workspace.NewUser{Email: *email, Name: *name, Role: *role, Password: *password, JoinAccount: true}
	if *wsID == 0 {
		// Checked before its workspace is made: a user refused after
		// would leave an empty workspace nobody can sign in to.
		if err := workspace.CheckNewUser(in); err != nil {
			return err
		}
		w, err := ws.Create(ctx, *wsName, "UTC")
		if err != nil {
			return err
		}
		*wsID = w.ID
	} else if _, err := ws.Get(ctx, *wsID); err != nil {
		// Said by name: the store would only refuse its foreign key.
		return fmt.Errorf("--workspace %d: %w", *wsID, err)
	}
	u, err := ws.CreateUser(ctx, *wsID, in)
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(u)
}

// userPasswordCmd is "user password": the server's operator sets an
// account's password, the way back in for a sole owner who forgot theirs
// (nobody else may reset an owner's) or for a person whose account
// another workspace made. Every session of the account ends, in every
// workspace; their live devices go offline at the workspace's inactivity
// timeout.
func userPasswordCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var password *string
	email, d, err := accountCmd(ctx, "user password", args, stderr, func(fs *flagSet) {
		password = fs.String("password", "", "the new password (at least 8 characters)")
	})
	if err != nil {
		return err
	}
	defer d.Close()
	ended, err := workspace.New(d).SetAccountPassword(ctx, email, *password)
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(map[string]any{"email": email, "ended": len(ended)})
}

// userTwoFactorOffCmd is "user two-factor-off": the server's operator
// turns an account's second factor off, for a person who lost their
// authenticator and their recovery codes. They sign in with their
// password alone, and may set up an authenticator again.
func userTwoFactorOffCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	email, d, err := accountCmd(ctx, "user two-factor-off", args, stderr, nil)
	if err != nil {
		return err
	}
	defer d.Close()
	had, err := workspace.New(d).TurnOffTwoFactor(ctx, email)
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(map[string]any{"email": email, "had_two_factor": had})
}

// accountCmd reads an operator's command on one account: the store's
// flags, --email (required; answered trimmed and lowercased) and what
// more registers, then opens the store, which the caller closes.
func accountCmd(ctx context.Context, name string, args []string, stderr io.Writer, more func(fs *flagSet)) (string, *db.DB, error) {
	fs := newFlagSet(name, stderr)
	var sf storeFlags
	sf.register(fs)
	email := fs.String("email", "", "the account's sign-in email")
	if more != nil {
		more(fs)
	}
	if err := fs.Parse(args[1:]); err != nil {
		return "", nil, err
	}
	if strings.TrimSpace(*email) == "" {
		return "", nil, errors.New("--email is required\n" + userUsage)
	}
	d, err := sf.openStore(ctx, stderr)
	if err != nil {
		return "", nil, err
	}
	return strings.ToLower(strings.TrimSpace(*email)), d, nil
}
