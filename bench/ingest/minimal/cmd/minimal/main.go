// Command minimal serves the minimal receive pipeline (package minimal)
// as a process of its own, as bench/ingest runs `switchboard serve`.
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

	"github.com/switchboard-chat/switchboard/bench/ingest/minimal"
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
	st, err := minimal.Open(ctx, *data)
	if err != nil {
		return err
	}
	srv := &http.Server{Addr: *addr, Handler: minimal.NewHandler(*channel, *token, st), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		st.Close()
		return err
	case <-ctx.Done():
	}
	// Finish in-flight webhooks (each waits for its commit), then the writer.
	shutdown, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdown)
	return errors.Join(err, st.Close())
}
