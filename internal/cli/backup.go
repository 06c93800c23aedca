package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/secret"
)

// backupCmd runs "switchboard backup --out FILE": a consistent copy of
// the SQLite store in --data, taken while a node serves it (see
// db.BackupSQLite). A PostgreSQL store is backed up with pg_dump
// (docs/deployment.md), which the command says rather than copying
// nothing.
func backupCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("backup", stderr)
	var sf storeFlags
	sf.register(fs)
	out := fs.String("out", "", "the file to write the copy to; it must not exist")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := sf.setupLogging(stderr); err != nil {
		return err
	}
	if sf.databaseURL != "" {
		return fmt.Errorf("backup copies a SQLite store; back PostgreSQL up with pg_dump (docs/deployment.md, Backups)")
	}
	if *out == "" {
		return fmt.Errorf("usage: switchboard backup [--data DIR] --out FILE")
	}
	res, err := db.BackupSQLite(ctx, sf.data, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s (%d bytes, schema %d, integrity ok)\n",
		filepath.Join(sf.data, db.SQLiteFile), res.Path, res.Bytes, res.SchemaVersion)
	// The copy holds neither the key that seals its secrets (channel
	// tokens, webhook and AI keys) nor the media: say where they are.
	key := filepath.Join(sf.data, secret.KeyFileName)
	if _, err := os.Stat(key); err == nil {
		fmt.Fprintf(stdout, "keep %s (the key sealing its secrets) with the copy, and the media (%s unless the node has --media-dir): the copy holds neither\n",
			key, filepath.Join(sf.data, "media"))
	} else {
		fmt.Fprintf(stdout, "keep the key given to the node (--secret-key or SWITCHBOARD_SECRET_KEY) with the copy, and the media (%s unless the node has --media-dir): the copy holds neither\n",
			filepath.Join(sf.data, "media"))
	}
	return nil
}
