package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"

	"hms/internal/account"
	"hms/internal/importer"
	"hms/internal/platform/validation"
)

// Moving in from another system: the opening balances and the advances of
// before HMS, each a CSV file as the body (the columns of the web's upload
// page), checked whole and imported in one transaction or not at all.

func init() {
	areas = append(areas, func(a *API) {
		op(a, http.MethodPost, "/imports/opening-balances", "import-opening-balances",
			"Import open items from the previous system (CSV: contractnummer;omschrijving;documentdatum;vervaldatum;bedrag); all or nothing",
			account.PermFinanceWrite, a.importOpeningBalances)
		op(a, http.MethodPost, "/imports/advances", "import-prior-advances",
			"Import service-cost advances charged and received before HMS (CSV: contractnummer;jaar or van_maand and tot_en_met_maand;"+
				"in_rekening_gebracht;ontvangen); all or nothing", account.PermFinanceWrite, a.importPriorAdvances)
	})
}

// ImportCSVInput is a CSV file as the body.
type ImportCSVInput struct {
	GuardReasons
	RawBody []byte `contentType:"text/csv" maxLength:"67108864"`
}

// ImportCountsOutput says what an import did.
type ImportCountsOutput struct {
	Body struct {
		Rows       int   `json:"rows"`
		Added      int   `json:"added"`
		Changed    int   `json:"changed"`
		Unchanged  int   `json:"unchanged"`
		TotalCents int64 `json:"total_cents" doc:"Opening balances: the rows' sum; advances: charged"`
	}
}

func (a *API) importOpeningBalances(ctx context.Context, act account.Actor, in *ImportCSVInput) (*ImportCountsOutput, error) {
	return movingOutput(a.Importer.ImportOpeningBalances(ctx, act, bytes.NewReader(in.RawBody)))
}

func (a *API) importPriorAdvances(ctx context.Context, act account.Actor, in *ImportCSVInput) (*ImportCountsOutput, error) {
	return movingOutput(a.Importer.ImportAdvances(ctx, act, bytes.NewReader(in.RawBody)))
}

// movingOutput answers an import: each bad cell at body.file[line].column,
// a file that cannot be read at body.file, or the counts.
func movingOutput(res *importer.MovingResult, cellErrs []importer.CellError, err error) (*ImportCountsOutput, error) {
	if len(cellErrs) > 0 {
		fe := validation.Errors{}
		for _, ce := range cellErrs {
			loc := fmt.Sprintf("file[%d]", ce.Line)
			if ce.Column != "" {
				loc += "." + ce.Column
			}
			fe.Add(loc, ce.Reason)
		}
		return nil, fe
	}
	var ferr *importer.FormatError
	if errors.As(err, &ferr) {
		return nil, validation.Errors{"file": ferr.ID}
	}
	if err != nil {
		return nil, err
	}
	out := &ImportCountsOutput{}
	out.Body.Rows, out.Body.Added, out.Body.Changed, out.Body.Unchanged = res.Rows, res.Added, res.Changed, res.Unchanged
	out.Body.TotalCents = int64(res.Total)
	return out, nil
}
