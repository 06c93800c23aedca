// Package crashtest proves the durability promise of the inbound path
// against a real crash: its test runs the switchboard binary, sends it
// custom-channel webhooks from many goroutines, kills it with SIGKILL in
// the middle of the load, restarts it on the same store, and checks that
// every webhook that was answered 200 is stored exactly once, with the
// conversation and event-log invariants intact. The package has no code of
// its own; see crashtest_test.go.
package crashtest
