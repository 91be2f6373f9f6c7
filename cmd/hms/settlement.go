package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"hms/internal/settlement"
)

const settlementUsage = "usage: hms settlement compute < scenario.json > settlement.json (format: docs/settlement-format.md)"

// settlementCommand runs `hms settlement compute`: the service-cost
// settlement as a pure function, with no database. It reads one scenario
// (JSON) on stdin and writes the settlement, indented, on stdout. Invalid
// input writes {"error": …, "field": …} on stdout instead (so a script reads
// one JSON document either way) and returns an error with exit code 2, which
// main also prints on stderr.
func settlementCommand(ctx context.Context, args []string, stdin io.Reader, stdout, _ io.Writer) error {
	if len(args) > 0 && (args[0] == "run" || args[0] == "costs") {
		return settlementStored(ctx, args, stdout)
	}
	if len(args) > 0 && args[0] == "degreedays" {
		return settlementDegreeDays(ctx, args, stdout)
	}
	if len(args) > 0 && (args[0] == "send" || args[0] == "deadlines") {
		return settlementSend(ctx, args, stdout)
	}
	if len(args) != 1 || args[0] != "compute" {
		return errors.New(settlementUsage)
	}
	in, err := settlement.Decode(stdin)
	var out settlement.Output
	if err == nil {
		out, err = settlement.Compute(in)
	}
	var bad *settlement.Error
	if errors.As(err, &bad) {
		if werr := writeIndented(stdout, bad); werr != nil {
			return werr
		}
		return &exitError{code: 2, err: fmt.Errorf("invalid settlement scenario: %w", bad)}
	}
	if err != nil {
		return fmt.Errorf("settlement compute: %w", err)
	}
	return writeIndented(stdout, out)
}

func writeIndented(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("writing the result: %w", err)
	}
	return nil
}

// exitError asks main for a particular exit code: 2 means the input was
// invalid, as opposed to 1 for every other failure.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// exitCode is the process exit code for an error that run returned.
func exitCode(err error) int {
	if e, ok := errors.AsType[*exitError](err); ok {
		return e.code
	}
	return 1
}
