// Command switchboard is the Switchboard server and its admin commands.
package main

import (
	"os"

	"github.com/switchboard-chat/switchboard/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
