// Package orgexport writes a whole organisation as one zip (issue 14; GDPR
// art. 28(3)(g), PRIVACY.md): before cancelling, an owner takes every
// record the organisation holds with them. Every table with an org_id
// column is found in the schema at run time (on both engines), so a new
// table is never forgotten; each becomes json/<table>.json and
// csv/<table>.csv with every row of the organisation. Sealed columns
// (ciphertext) and look-up columns (blind indexes, search tokens, hashes)
// are left out of the table files; the people's sealed fields are written
// decrypted through the relation's own read path (the subject-rights
// export, privacy.Person) as columns of relations. README.txt says what
// each file is, in Dutch and English. Rows are written as they are read.
package orgexport

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"hms/internal/account"
	"hms/internal/platform/audit"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
	"hms/internal/platform/vault"
	"hms/internal/privacy"
)

// Deps are what the export needs.
type Deps struct {
	DB     *db.DB
	Audit  *audit.Log
	Clock  clock.Clock
	Person privacy.Person // the relation's own record: opens a person's sealed fields
	Vault  *vault.Vault   // opens the other sealed columns (SealedColumns)
	Fiscal Fiscal         // opens the fiscal archive (invoices, letters, statements)
}

// zipCreator is the part of zip.Writer the files are written with.
type zipCreator interface {
	Create(name string) (io.Writer, error)
}

// Service exports organisations.
type Service struct {
	db     *db.DB
	audit  *audit.Log
	clk    clock.Clock
	person privacy.Person
	vault  *vault.Vault
	fiscal Fiscal
}

// New builds the service.
func New(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = clock.Real{}
	}
	return &Service{db: d.DB, audit: d.Audit, clk: d.Clock, person: d.Person, vault: d.Vault, fiscal: d.Fiscal}
}

// Table is one table's part of an export.
type Table struct {
	Name    string   `json:"name"`
	Rows    int      `json:"rows"`
	Omitted []string `json:"omitted,omitempty"` // columns left out (sealed or look-up keys)
}

// Summary says what an export wrote.
type Summary struct {
	Made      time.Time      `json:"made"`
	Tables    []Table        `json:"tables"`
	Documents map[string]int `json:"documents"` // files per documents/<dir>
}

// CanExport reports whether a may export the whole organisation: owners
// only (the export holds every record, the people's data decrypted).
func CanExport(a account.Actor) bool {
	return a.Role == account.Owner && a.Can(account.PermMembersManage)
}

// lookupColumn reports whether a column is a look-up key rather than data:
// blind indexes, search tokens, hashes, wrapped keys, sort keys.
func lookupColumn(name string) bool {
	switch name {
	case "token", "fingerprint", "sort_key", "key":
		return true
	}
	for _, s := range []string{"_token", "_index", "_hash", "_wrapped", "_sealed", "_mac"} {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}

// Export writes the organisation of actor as one zip to w and records the
// export in the audit log.
func (s *Service) Export(ctx context.Context, actor account.Actor, w io.Writer) (Summary, error) {
	if !CanExport(actor) {
		return Summary{}, validation.ErrForbidden
	}
	sum := Summary{Made: s.clk.Now()}
	zw := zip.NewWriter(w)
	err := s.db.ReadOrg(ctx, actor.OrgID, func(tx *db.Tx) error {
		tables, err := Tables(ctx, tx)
		if err != nil {
			return err
		}
		for _, t := range tables {
			tab, err := s.table(ctx, tx, actor, zw, t)
			if err != nil {
				return err
			}
			sum.Tables = append(sum.Tables, tab)
		}
		sum.Documents = map[string]int{}
		for _, sc := range SealedColumns {
			if sc.Dir == "" {
				continue
			}
			n, err := s.sealedFiles(ctx, tx, zw, sc)
			if err != nil {
				return err
			}
			sum.Documents[sc.Dir] = n
		}
		return nil
	})
	if err != nil {
		return Summary{}, err
	}
	if err := writeReadme(zw, sum); err != nil {
		return Summary{}, err
	}
	if err := zw.Close(); err != nil {
		return Summary{}, fmt.Errorf("orgexport: close zip: %w", err)
	}
	rows := 0
	for _, t := range sum.Tables {
		rows += t.Rows
	}
	err = s.db.InOrg(ctx, actor.OrgID, func(tx *db.Tx) error {
		return s.audit.Record(ctx, tx, audit.Event{ActorUserID: actor.UserID, ActorKind: actorKind(actor),
			Action: "organisation.exported", TargetType: "organisation", TargetID: fmt.Sprint(actor.OrgID),
			Details: map[string]string{"tables": strconv.Itoa(len(sum.Tables)), "rows": strconv.Itoa(rows)}})
	})
	if err != nil {
		return Summary{}, fmt.Errorf("orgexport: audit: %w", err)
	}
	return sum, nil
}

func actorKind(a account.Actor) string {
	if a.Kind == "" {
		return audit.ActorUser
	}
	return a.Kind
}
