// Command minimal is the smallest receive pipeline that does what
// switchboard's custom-channel webhook must: HTTP, JSON, a contact upsert
// by channel identity, the contact's open conversation (opened if none),
// the message stored once per provider id, and its events, in SQLite with
// synchronous=FULL and group commit, answering 200 only after the commit.
// No workflows, no routing, no live hub. bench/ingest builds it and runs
// it at the same concurrency as `switchboard serve`, so the two rates
// compare on the same machine in the same run.
//
//	minimal -data DIR -addr 127.0.0.1:8080 -channel 1 -token SECRET
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "minimal:", err)
		os.Exit(1)
	}
}

func run() error {
	data := flag.String("data", "", "folder of the SQLite file (required)")
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	channel := flag.Int64("channel", 1, "the channel id the webhook URL names")
	token := flag.String("token", "", "the channel's bearer token (required)")
	flag.Parse()
	if *data == "" || *token == "" {
		return errors.New("-data and -token are required")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := openStore(ctx, *data)
	if err != nil {
		return err
	}
	srv := &http.Server{Addr: *addr, Handler: newHandler(*channel, *token, st), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		st.close()
		return err
	case <-ctx.Done():
	}
	// Finish in-flight webhooks (each waits for its commit), then the writer.
	shutdown, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdown)
	return errors.Join(err, st.close())
}
