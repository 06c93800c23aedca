package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
)

// idleResult is what a node with nothing to do cost.
type idleResult struct {
	Window time.Duration // how long it was watched
	CPU    time.Duration // server CPU meanwhile
}

// Share is the CPU used as a share of one core.
func (r idleResult) Share() float64 {
	if r.Window <= 0 {
		return 0
	}
	return r.CPU.Seconds() / r.Window.Seconds()
}

// runIdle serves the demo workspace with its inbound workflow started, as
// `make run` does, lets it settle, then measures the CPU it uses over
// window while nothing happens.
func runIdle(ctx context.Context, bin string, window time.Duration) (idleResult, error) {
	res := idleResult{Window: window}
	dir, err := os.MkdirTemp("", "switchboard-bench-idle-*")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)
	store := harness.StoreArgs(dir, "")
	if _, err := harness.LoadDemo(ctx, bin, store); err != nil {
		return res, err
	}
	srv, err := harness.Start(ctx, harness.Options{Bin: bin, StoreArgs: store, LogFile: filepath.Join(dir, "serve.log")})
	if err != nil {
		return res, err
	}
	defer srv.Kill()
	// Start-up (migrations checked, engines' first look) is not idleness.
	select {
	case <-ctx.Done():
		return res, ctx.Err()
	case <-time.After(2 * time.Second):
	}
	cpu0, ok := srv.CPUSoFar()
	if !ok {
		return res, fmt.Errorf("the server's CPU cannot be read on this system")
	}
	select {
	case <-ctx.Done():
		return res, ctx.Err()
	case <-time.After(window):
	}
	cpu1, _ := srv.CPUSoFar()
	res.CPU = cpu1 - cpu0
	return res, srv.Stop(30 * time.Second)
}
