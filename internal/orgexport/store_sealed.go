package orgexport

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"hms/internal/platform/db"
	"hms/internal/platform/vault"
)

// open reads and opens one sealed column of row id; nil when it is NULL.
func (s *Service) open(ctx context.Context, tx *db.Tx, sc Sealed, id int64) (data []byte, meta string, err error) {
	sel := sc.Column
	switch sc.By {
	case BySubject:
		sel += ", COALESCE(" + sc.SubjectSQL + ", 0)"
	case ByFiscal:
		sel += ", " + sc.YearColumn
	default:
		sel += ", 0"
	}
	if sc.LegacyFlag != "" {
		sel += ", " + sc.LegacyFlag
	} else {
		sel += ", 1"
	}
	if sc.TypeColumn != "" {
		sel += ", " + sc.TypeColumn
	} else {
		sel += ", ''"
	}
	var (
		sealed []byte
		key    int64
		flag   any
	)
	err = tx.QueryRowContext(ctx, `SELECT `+sel+` FROM `+sc.Table+` WHERE `+sc.idColumn()+` = $1 AND org_id = $2`, id, tx.OrgID()).Scan(
		&sealed, &key, &flag, &meta)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && sealed == nil) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("%s.%s of %d: %w", sc.Table, sc.Column, id, err)
	}
	field := sc.Field
	if strings.Contains(field, "%d") {
		field = fmt.Sprintf(field, id)
	}
	by := sc.By
	if by == BySubject && key == 0 {
		by = sc.Legacy
		if by == ByOrg && sc.LegacyFlag != "" && !truthy(flag) {
			by = Plain
		}
	}
	switch by {
	case Plain:
		data = sealed
	case ByOrg:
		data, err = s.vault.OpenOrg(ctx, tx, field, sealed)
	case BySubject:
		data, err = s.vault.Open(ctx, tx, vault.SubjectID(key), field, sealed)
	case ByFiscal:
		if s.fiscal == nil {
			return nil, "", fmt.Errorf("%s.%s: no fiscal archive", sc.Table, sc.Column)
		}
		data, err = s.fiscal.OpenFiscal(ctx, tx, int(key), field, sealed)
	default:
		return nil, "", fmt.Errorf("%s.%s: rows without a subject", sc.Table, sc.Column)
	}
	if err != nil {
		return nil, "", fmt.Errorf("open %s.%s of %d: %w", sc.Table, sc.Column, id, err)
	}
	return data, meta, nil
}

// sealedFiles writes one kind of stored file, opened one at a time (only
// the ids are held).
func (s *Service) sealedFiles(ctx context.Context, tx *db.Tx, zw zipCreator, sc Sealed) (int, error) {
	nameSQL := sc.NameSQL
	if nameSQL == "" {
		nameSQL = "''"
	}
	rs, err := tx.QueryContext(ctx, `SELECT `+sc.idColumn()+`, `+nameSQL+` FROM `+sc.Table+` WHERE org_id = $1 AND `+sc.Column+
		` IS NOT NULL ORDER BY `+sc.idColumn(), tx.OrgID())
	if err != nil {
		return 0, fmt.Errorf("orgexport: %s: %w", sc.Table, err)
	}
	type doc struct {
		id   int64
		name string
	}
	var all []doc
	for rs.Next() {
		var x doc
		var name any
		if err := rs.Scan(&x.id, &name); err != nil {
			rs.Close()
			return 0, fmt.Errorf("orgexport: %s: %w", sc.Table, err)
		}
		x.name = cell(name)
		all = append(all, x)
	}
	err = rs.Err()
	rs.Close()
	if err != nil {
		return 0, fmt.Errorf("orgexport: %s: %w", sc.Table, err)
	}
	n := 0
	seen := map[string]bool{}
	for _, x := range all {
		data, ctype, err := s.open(ctx, tx, sc, x.id)
		if err != nil {
			return 0, fmt.Errorf("orgexport: %w", err)
		}
		if data == nil {
			continue
		}
		name := fileName(x.name)
		if name == "" || seen[name] {
			name = fmt.Sprint(x.id) + strings.TrimPrefix("-"+name, "-")
			if x.name != "" {
				name = fmt.Sprint(x.id) + "-" + fileName(x.name)
			}
		}
		seen[name] = true
		ext := sc.Ext
		if sc.TypeColumn != "" {
			ext = extOfType[ctype]
		}
		if ext != "" {
			name += "." + ext
		}
		f, err := zw.Create("documents/" + sc.Dir + "/" + name)
		if err != nil {
			return 0, fmt.Errorf("orgexport: %w", err)
		}
		if _, err := f.Write(data); err != nil {
			return 0, fmt.Errorf("orgexport: %w", err)
		}
		n++
	}
	return n, nil
}
