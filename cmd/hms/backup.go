package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"hms/internal/app"
	"hms/internal/platform/backup"
)

// openAsOwner is openApp for the commands that read or write every
// organisation's rows (backup, restore): on PostgreSQL they need the schema
// owner's URL, as hms migrate does; with it the app migrates first. The
// remaining arguments (files) are returned; flags may come before or after
// them. check refuses wrong usage before anything is opened.
func openAsOwner(ctx context.Context, name string, args []string, extra func(fs *flag.FlagSet),
	check func(rest []string) error) (*app.App, []string, error) {
	var cfg app.Config
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	commonFlags(fs, &cfg)
	fs.StringVar(&cfg.DatabaseOwnerURL, "database-owner-url", env("HMS_DATABASE_OWNER_URL", ""),
		"PostgreSQL URL as the schema owner (postgres://…)")
	extra(fs)
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, nil, err
		}
		if fs.NArg() == 0 {
			break
		}
		rest, args = append(rest, fs.Arg(0)), fs.Args()[1:]
	}
	if err := check(rest); err != nil {
		return nil, nil, err
	}
	if cfg.DatabaseURL != "" && cfg.DatabaseOwnerURL == "" {
		return nil, nil, fmt.Errorf("hms %s on PostgreSQL reads or writes every organisation's rows: it needs the schema owner's URL "+
			"(--database-owner-url or HMS_DATABASE_OWNER_URL)", name)
	}
	a, err := app.Open(ctx, cfg)
	return a, rest, err
}

// hms backup --out FILE: an encrypted backup of the whole database.
func backupCommand(ctx context.Context, args []string, stdout io.Writer) error {
	var out string
	a, _, err := openAsOwner(ctx, "backup", args, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "", "the backup file to write")
	}, func(rest []string) error {
		if out == "" || len(rest) > 0 {
			return errors.New("usage: hms backup --out FILE")
		}
		return nil
	})
	if err != nil {
		return err
	}
	defer a.Close()
	// Written beside its place and renamed when complete: FILE is a whole
	// backup or is not there (or is the previous one).
	f, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+"-*")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer os.Remove(f.Name())
	sum, err := backup.Write(ctx, a.DB, a.Vault, f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := os.Rename(f.Name(), out); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stdout, "backup written to %s: %d tables, %d rows, schema version %d\n", out, sum.Tables, sum.Rows, sum.Schema)
	return nil
}

// hms restore [--force] FILE: load a backup, then replay the erasures.
func restoreCommand(ctx context.Context, args []string, stdout io.Writer) error {
	var force bool
	var f *os.File
	a, rest, err := openAsOwner(ctx, "restore", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&force, "force", false, "replace the data of a database that has organisations or users")
	}, func(rest []string) (err error) {
		if len(rest) != 1 {
			return errors.New("usage: hms restore [--force] FILE")
		}
		// A file that is not there is said before the database is opened.
		f, err = os.Open(rest[0])
		return err
	})
	if f != nil {
		defer f.Close()
	}
	if err != nil {
		return err
	}
	defer a.Close()
	sum, err := backup.Restore(ctx, a.DB, a.Vault, f, force)
	if err != nil {
		return fmt.Errorf("restore %s: %w", rest[0], err)
	}
	fmt.Fprintf(stdout, "restored %s: %d tables, %d rows; %d erasures replayed; %d shredded organisations shredded again\n",
		rest[0], sum.Tables, sum.Rows, sum.Erasures, sum.Shreds)
	return nil
}
