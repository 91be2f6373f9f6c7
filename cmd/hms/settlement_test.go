package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

const settlementScenario = `{
  "period": {"start": "2025-01-01", "end": "2025-12-31"},
  "admin_fee_percent": "5",
  "units": [{"id": "1", "area_m2": "60"}, {"id": "2", "area_m2": "40"}],
  "occupancies": [
    {"id": "L1", "tenant": "Visser", "unit": "1", "start": "2020-01-01", "advances_paid": "600.00"},
    {"id": "L2", "tenant": "Jansen", "unit": "2", "start": "2020-01-01", "end": "2025-06-30", "advances_paid": "300.00"}
  ],
  "costs": [{"id": "cleaning", "amount": "1000.00", "key": "area", "admin_fee": true}]
}`

// `hms settlement compute` settles a scenario from stdin without any
// database, and answers invalid input with the error JSON and exit code 2.
func TestSettlementCommand(t *testing.T) {
	ctx := context.Background()
	var out, errOut bytes.Buffer
	if err := settlementCommand(ctx, []string{"compute"}, strings.NewReader(settlementScenario), &out, &errOut); err != nil {
		t.Fatal(err)
	}
	var res struct {
		Occupancies []struct {
			ID       string
			Total    string
			Balance  string
			AdminFee string `json:"admin_fee"`
		}
		Landlord struct{ Total string }
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out.String())
	}
	// Unit 1: 600.00 + 5% = 630.00, advances 600.00. Unit 2 (40%) for 181 of 365 days:
	// 400 × 181/365 = 198.36, the landlord the other 201.64.
	if len(res.Occupancies) != 2 || res.Occupancies[0].Total != "630.00" || res.Occupancies[0].Balance != "30.00" ||
		res.Occupancies[1].Total != "208.28" || res.Occupancies[1].Balance != "-91.72" || res.Landlord.Total != "201.64" {
		t.Fatalf("settlement: %+v\n%s", res, out.String())
	}
	if !strings.HasPrefix(out.String(), "{\n  \"occupancies\": [") {
		t.Errorf("output is not indented: %.40q", out.String())
	}

	// Invalid input: the error document on stdout, exit code 2.
	out.Reset()
	bad := strings.Replace(settlementScenario, `"key": "area"`, `"key": "m2"`, 1)
	err := settlementCommand(ctx, []string{"compute"}, strings.NewReader(bad), &out, &errOut)
	if err == nil || exitCode(err) != 2 {
		t.Fatalf("invalid key: %v (exit code %d)", err, exitCode(err))
	}
	var e struct{ Error, Field string }
	if jerr := json.Unmarshal(out.Bytes(), &e); jerr != nil || e.Field != "costs[0].key" || !strings.Contains(e.Error, "m2") {
		t.Fatalf("error document %q (%v)", out.String(), jerr)
	}
	// An administration fee above 5% (DOMAIN.md §7.5) is refused at its field.
	out.Reset()
	high := strings.Replace(settlementScenario, `"admin_fee_percent": "5"`, `"admin_fee_percent": "12"`, 1)
	if err := settlementCommand(ctx, []string{"compute"}, strings.NewReader(high), &out, &errOut); exitCode(err) != 2 {
		t.Fatalf("12%% admin fee: %v (exit code %d)", err, exitCode(err))
	}
	if jerr := json.Unmarshal(out.Bytes(), &e); jerr != nil || e.Field != "admin_fee_percent" || !strings.Contains(e.Error, "at most 5%") {
		t.Fatalf("12%% admin fee: error document %q (%v)", out.String(), jerr)
	}
	out.Reset()
	if err := settlementCommand(ctx, []string{"compute"}, strings.NewReader("{"), &out, &errOut); exitCode(err) != 2 ||
		!strings.Contains(out.String(), `"field": ""`) {
		t.Fatalf("broken JSON: %v %s", err, out.String())
	}
	// Usage errors are ordinary failures (exit code 1).
	if err := run(ctx, []string{"settlement"}, &out, &errOut); err == nil || exitCode(err) != 1 || !strings.Contains(err.Error(), "usage") {
		t.Fatalf("no subcommand: %v", err)
	}
	if exitCode(errors.New("x")) != 1 {
		t.Fatal("a plain error must exit with 1")
	}
}

// The real process: main turns the invalid scenario into exit code 2, with
// the error document on stdout and a sentence on stderr.
func TestSettlementExitCode(t *testing.T) {
	if os.Getenv("HMS_TEST_SETTLEMENT_MAIN") == "1" {
		os.Args = []string{"hms", "settlement", "compute"}
		main()
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSettlementExitCode$")
	cmd.Env = append(os.Environ(), "HMS_TEST_SETTLEMENT_MAIN=1")
	cmd.Stdin = strings.NewReader(strings.Replace(settlementScenario, `"600.00"`, `"600"`, 1))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 {
		t.Fatalf("exit: %v\nstdout %s\nstderr %s", err, stdout.String(), stderr.String())
	}
	var e struct{ Error, Field string }
	if err := json.Unmarshal(stdout.Bytes(), &e); err != nil || e.Field != "occupancies[0].advances_paid" {
		t.Fatalf("stdout %q: %v", stdout.String(), err)
	}
	if !strings.Contains(stderr.String(), "hms: invalid settlement scenario: occupancies[0].advances_paid") {
		t.Fatalf("stderr %q", stderr.String())
	}
}
