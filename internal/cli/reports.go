package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/switchboard-chat/switchboard/internal/report"
)

// reportsCmd runs "switchboard reports rebuild": the reports' projection
// emptied and replayed from the whole event log (docs/reports.md). Run it
// with the nodes stopped, or they would go on projecting meanwhile.
// "switchboard reports compact" writes the per-day segments of every day
// whose facts changed since its segments were written (after upgrading
// to migration 031, every day that has facts); nodes may keep running.
func reportsCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "rebuild" && args[0] != "compact") {
		return fmt.Errorf("usage: switchboard reports rebuild|compact [--data DIR] [--database-url URL]")
	}
	fs := newFlagSet("reports "+args[0], stderr)
	var sf storeFlags
	sf.register(fs)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	d, err := sf.openStore(ctx, stderr)
	if err != nil {
		return err
	}
	defer d.Close()
	began := time.Now()
	if args[0] == "compact" {
		days, err := report.New(d, report.Options{}).CompactAll(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "segments of %d days written in %s\n", days, time.Since(began).Round(time.Millisecond))
		return nil
	}
	n, err := report.New(d, report.Options{}).Rebuild(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "reports rebuilt from %d events in %s\n", n, time.Since(began).Round(time.Millisecond))
	return nil
}
