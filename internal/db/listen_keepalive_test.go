//go:build linux

package db_test

import (
	"context"
	"net"
	"syscall"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// The listener's connection finds a vanished server within about half a
// minute of silence: the kernel probes it (idle 15 s, then 3 probes 5 s
// apart). With Go's default dialer (probes 15 s apart, the system's 9 of
// them) a node whose PostgreSQL host dropped off the network without
// closing the connection heard no other node's commit for two and a half
// minutes before it reconnected.
func TestListenerConnectionProbesItsPeer(t *testing.T) {
	ctx := context.Background()
	d, err := db.Open(ctx, dbtest.PostgresConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	conn, err := d.ConnectListener(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	tcp, ok := conn.PgConn().Conn().(*net.TCPConn)
	if !ok {
		t.Fatalf("the listener's connection is a %T, not TCP", conn.PgConn().Conn())
	}
	raw, err := tcp.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name       string
		level, opt int
		want       int
	}{
		{"SO_KEEPALIVE", syscall.SOL_SOCKET, syscall.SO_KEEPALIVE, 1},
		{"TCP_KEEPIDLE (s)", syscall.IPPROTO_TCP, syscall.TCP_KEEPIDLE, 15},
		{"TCP_KEEPINTVL (s)", syscall.IPPROTO_TCP, syscall.TCP_KEEPINTVL, 5},
		{"TCP_KEEPCNT", syscall.IPPROTO_TCP, syscall.TCP_KEEPCNT, 3},
	} {
		var got int
		var gerr error
		if err := raw.Control(func(fd uintptr) { got, gerr = syscall.GetsockoptInt(int(fd), c.level, c.opt) }); err != nil {
			t.Fatal(err)
		}
		if gerr != nil {
			t.Fatalf("%s: %v", c.name, gerr)
		}
		if got != c.want {
			t.Errorf("%s = %d, want %d", c.name, got, c.want)
		}
	}
}
