package email

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/clock"
)

// A command is bounded by the server's silence, not its length: while
// bytes keep coming (a large FETCH) the connection stays, and once
// nothing comes for answerTimeout it is dropped and the command's error
// says why.
func TestAnsweredDropsASilentServerNotASlowOne(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	p := New(nil)
	p.Attach(Deps{Clock: clk})
	client, server := net.Pipe()
	defer server.Close()
	conn := &countingConn{Conn: client}
	dropped := make(chan struct{})
	w := watch{conn: conn, drop: func() { close(dropped); client.Close() }}
	result := make(chan error, 1)
	got := make(chan struct{})
	go func() {
		result <- p.answered(w, func() error {
			buf := make([]byte, 1)
			for {
				if _, err := conn.Read(buf); err != nil {
					return err
				}
				got <- struct{}{} // counted: the test may move the clock
			}
		})
	}()
	// Three stretches with a byte in each: never dropped.
	for range 3 {
		if err := clk.WaitPending(ctx, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := server.Write([]byte("*")); err != nil {
			t.Fatal(err)
		}
		<-got
		clk.Advance(answerTimeout)
		select {
		case <-dropped:
			t.Fatal("dropped while the server was sending")
		default:
		}
	}
	// Then silence.
	if err := clk.WaitPending(ctx, 1); err != nil {
		t.Fatal(err)
	}
	clk.Advance(answerTimeout)
	err := <-result
	if err == nil || !strings.Contains(err.Error(), "no answer for") || !errors.Is(err, net.ErrClosed) && !strings.Contains(err.Error(), "closed") {
		t.Fatalf("answered = %v, want the silence named", err)
	}
	if n := clk.Pending(); n != 0 {
		t.Fatalf("%d timers left pending", n)
	}
}
