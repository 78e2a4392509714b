package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/iamd-dev/iamd/internal/server"
	"github.com/iamd-dev/iamd/internal/store/sqlite"
)

// runBackup is `iamd backup FILE [--data DIR]`: a consistent copy of the database, taken
// while `iamd serve` runs on DIR (sqlite.Backup says how). The copy holds no master key.
func runBackup(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("iamd backup", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	data := fs.String("data", envOr("IAMD_DATA", defaultDataDir()), "data directory of the server to back up")
	store := fs.String("store", envOr("IAMD_STORE", ""), "the server's --store: a PostgreSQL store is backed up with PostgreSQL's tools, not this command")
	file, ok := oneFileArg(fs, args, env, "usage: iamd backup FILE [--data DIR]")
	if !ok {
		return 2
	}
	if server.IsPostgresURL(*store) {
		fmt.Fprintln(env.Stderr, "iamd backup: the store is a PostgreSQL database, which iamd backup does not copy: back it up with pg_dump (or pg_basebackup), and keep the master key apart from the copy")
		return 2
	}
	if err := sqlite.Backup(ctx, *data, file); err != nil {
		fmt.Fprintln(env.Stderr, "iamd backup:", err)
		return 1
	}
	fmt.Fprintf(env.Stderr, "backed up %s to %s (secrets stay sealed: keep the master key apart from it)\n", *data, file)
	return 0
}

// runRestore is `iamd restore FILE --data DIR`: the backup FILE becomes DIR's database; DIR
// must be empty. The master key is not in FILE: start `iamd serve` on DIR with the key
// the backed-up server used (--master-key, IAMD_MASTER_KEY or DIR/master.key).
func runRestore(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("iamd restore", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	data := fs.String("data", "", "the empty data directory to restore into (required)")
	const use = "usage: iamd restore FILE --data DIR"
	file, ok := oneFileArg(fs, args, env, use)
	if !ok {
		return 2
	}
	if *data == "" {
		fmt.Fprintln(env.Stderr, "iamd restore: --data is required\n"+use)
		return 2
	}
	if err := sqlite.Restore(ctx, file, *data); err != nil {
		fmt.Fprintln(env.Stderr, "iamd restore:", err)
		return 1
	}
	fmt.Fprintf(env.Stderr, "restored %s into %s; start iamd serve on it with the backed-up server's master key (--master-key or IAMD_MASTER_KEY)\n", file, *data)
	return 0
}

// oneFileArg parses args, flags before or after one positional FILE, and returns FILE.
func oneFileArg(fs *flag.FlagSet, args []string, env Env, usage string) (string, bool) {
	if err := fs.Parse(args); err != nil {
		return "", false
	}
	rest := fs.Args()
	if len(rest) == 0 {
		fmt.Fprintln(env.Stderr, usage)
		return "", false
	}
	file := rest[0]
	if err := fs.Parse(rest[1:]); err != nil {
		return "", false
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(env.Stderr, usage)
		return "", false
	}
	return file, true
}
