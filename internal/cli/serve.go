package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/switchboard-chat/switchboard/internal/app"
	"github.com/switchboard-chat/switchboard/internal/demo"
)

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	var sf storeFlags
	sf.register(fs)
	var signIn signInFlags
	signIn.register(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address"+fs.env("addr"))
	withDemo := fs.Bool("demo", false, "load the demo workspace if absent and print how to sign in"+fs.env("demo"))
	var srv serverFlags
	srv.register(fs)
	var nf networkFlags
	nf.register(fs)
	var mf mediaFlags
	mf.register(fs)
	var ef emailFlags
	ef.register(fs)
	var mail mailFlags
	mail.register(fs)
	cpuProfile := fs.String("cpu-profile", "", "write a CPU profile of the node to this file until it stops (for benchmarks)"+fs.env("cpu-profile"))
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := sf.setupLogging(stderr); err != nil {
		return err
	}
	cfg := sf.config(*addr)
	if err := signIn.apply(&cfg); err != nil {
		return err
	}
	if err := srv.apply(&cfg); err != nil {
		return err
	}
	if err := mf.apply(&cfg); err != nil {
		return err
	}
	if err := ef.apply(&cfg); err != nil {
		return err
	}
	if err := mail.apply(&cfg); err != nil {
		return err
	}
	var err error
	if cfg.AllowPrivateNetworks, err = nf.ranges(fs, *withDemo); err != nil {
		return err
	}
	stopProfile, err := startCPUProfile(*cpuProfile)
	if err != nil {
		return err
	}
	defer stopProfile()
	app.TuneGC()
	a, err := app.New(ctx, cfg)
	if err != nil {
		return err
	}
	var res demo.Result
	if *withDemo {
		if res, err = demo.Load(ctx, demoServices(a), demo.Options{}); err != nil {
			a.Close()
			return fmt.Errorf("demo: %w", err)
		}
	}
	return a.Run(ctx, func(bound string) {
		if *withDemo {
			printDemo(stdout, "http://"+bound, res)
		}
	})
}

func demoServices(a *app.App) demo.Services {
	return demo.Services{Workspaces: a.Workspaces, Contacts: a.Contacts, Channels: a.Channels, Conversations: a.Conversations,
		Workflows: a.Workflows}
}

func printDemo(w io.Writer, baseURL string, r demo.Result) {
	password := r.OwnerPassword
	if password == "" {
		password = "switchboard (unless you changed it)"
	}
	fmt.Fprintf(w, `
Switchboard is running at %s
  sign in:        %s / %s
  API token:      %s
  custom channel: id %d, token %s
  try it:         curl -H 'Authorization: Bearer %s' -d '{"contactId":"+14155550123","events":[{"type":"message","mId":"m1","timestamp":0,"message":{"type":"text","text":"Hello"}}],"contact":{"firstName":"Ada"}}' %s%s

`, baseURL, r.OwnerEmail, password, r.APIToken, r.ChannelID, r.ChannelToken, r.ChannelToken, baseURL, r.WebhookPath)
}
