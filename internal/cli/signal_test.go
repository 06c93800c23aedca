package cli

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// The first Ctrl-C starts a graceful stop; a second one ends the process
// at once, however long the stop takes. The signal stayed captured, so a
// shutdown stuck on a slow drain could not be cut short.
func TestSecondInterruptEndsTheProcess(t *testing.T) {
	if os.Getenv("SWITCHBOARD_TEST_SIGNAL_CHILD") == "1" {
		ctx, stop := signalContext()
		defer stop()
		os.Stdout.WriteString("ready\n")
		<-ctx.Done()
		os.Stdout.WriteString("stopping\n")
		select {} // a shutdown that never ends
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestSecondInterruptEndsTheProcess$")
	cmd.Env = append(os.Environ(), "SWITCHBOARD_TEST_SIGNAL_CHILD=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	expect := func(want string) {
		t.Helper()
		if !lines.Scan() || lines.Text() != want {
			t.Fatalf("the child said %q, want %q", lines.Text(), want)
		}
	}
	expect("ready")
	cmd.Process.Signal(os.Interrupt)
	expect("stopping")
	cmd.Process.Signal(os.Interrupt)
	err = cmd.Wait()
	var exit *exec.ExitError
	if ctx.Err() != nil {
		t.Fatal("the second interrupt did not end the process (killed after a minute)")
	}
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGINT {
		t.Fatalf("the child ended with %v, want killed by SIGINT", err)
	}
}
