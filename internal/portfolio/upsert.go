package portfolio

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"hms/internal/account"
	"hms/internal/platform/audit"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

// RowErrors are what is wrong with the rows of a bulk upsert: the field
// errors of each bad row, by the row's index in the slice given (from 0).
// Field names are those of the forms and the API (postcode, house_number,
// floor_area, …), so an importer can name line, column and reason.
type RowErrors map[int]validation.Errors

func (e RowErrors) Error() string {
	rows := make([]int, 0, len(e))
	for i := range e {
		rows = append(rows, i)
	}
	sort.Ints(rows)
	parts := make([]string, 0, len(rows))
	for _, i := range rows {
		parts = append(parts, fmt.Sprintf("row %d: %s", i, strings.TrimPrefix(e[i].Error(), "invalid input: ")))
	}
	return "invalid rows: " + strings.Join(parts, "; ")
}

// AsRowErrors returns the row errors inside err, if any.
func AsRowErrors(err error) (RowErrors, bool) {
	var re RowErrors
	if errors.As(err, &re) {
		return re, true
	}
	return nil, false
}

func (e RowErrors) add(row int, field, msg string) {
	if e[row] == nil {
		e[row] = validation.Errors{}
	}
	e[row].Add(field, msg)
}

func (e RowErrors) merge(row int, fe validation.Errors) {
	for f, m := range fe {
		e.add(row, f, m)
	}
}

// checkBulk guards the bulk operations: they run in the caller's
// transaction, which must be the actor's organisation.
func checkBulk(tx *db.Tx, a account.Actor) error {
	if !a.Can(account.PermPortfolioWrite) || tx.OrgID() != a.OrgID {
		return validation.ErrForbidden
	}
	return nil
}

// UpsertComplexesTx creates complexes by name inside the caller's
// transaction (for imports), or finds them when they exist: names compare
// without regard to case and spacing. Address fields that are empty keep
// what is stored; given ones replace it. Rows with the same name are one
// complex, and may not give different addresses. It checks every row before
// writing anything and returns RowErrors when a row is bad, so running the
// same rows twice changes nothing the second time. The ids come back in the
// order of the rows.
func (s *Service) UpsertComplexesTx(ctx context.Context, tx *db.Tx, a account.Actor, rows []ComplexInput) ([]int64, error) {
	if err := checkBulk(tx, a); err != nil {
		return nil, err
	}
	bad := RowErrors{}
	parsed := make([]Complex, len(rows))
	first := map[string]int{} // name key → first row with it
	var order []int           // first rows, in order
	for i, in := range rows {
		c, fe := in.parse()
		parsed[i] = c
		if len(fe) > 0 {
			bad.merge(i, fe)
			continue
		}
		key := nameKey(c.Name)
		j, dup := first[key]
		if !dup {
			first[key] = i
			order = append(order, i)
			continue
		}
		merged, ok := overlayAddress(parsed[j].Address, c.Address, true)
		if !ok {
			bad.add(i, "name", "portfolio.import_duplicate_differs")
			continue
		}
		parsed[j].Address = merged
	}
	if len(bad) > 0 {
		return nil, bad
	}
	ids := map[string]int64{}
	for _, i := range order {
		c := parsed[i]
		key := nameKey(c.Name)
		id, err := complexIDByName(ctx, tx, c.Name)
		switch {
		case errors.Is(err, validation.ErrNotFound):
			if id, err = insertComplex(ctx, tx, c, s.clk.Now()); err != nil {
				return nil, err
			}
			if err := s.record(ctx, tx, a, "complex.created", "complex", id, map[string]string{"source": "import"}); err != nil {
				return nil, err
			}
		case err != nil:
			return nil, err
		default:
			old, err := complexByID(ctx, tx, id)
			if err != nil {
				return nil, err
			}
			next := *old
			next.Address, _ = overlayAddress(old.Address, c.Address, false)
			if changed := complexChanges(*old, next); len(changed) > 0 {
				if err := updateComplex(ctx, tx, next, s.clk.Now()); err != nil {
					return nil, err
				}
				if err := s.record(ctx, tx, a, "complex.updated", "complex", id,
					map[string]string{"fields": strings.Join(changed, ","), "source": "import"}); err != nil {
					return nil, err
				}
			}
		}
		ids[key] = id
	}
	out := make([]int64, len(rows))
	for i, c := range parsed {
		out[i] = ids[nameKey(c.Name)]
	}
	return out, nil
}

// overlayAddress puts the given parts of add over base. With strict, a part
// given in both must agree (ok=false otherwise). Number and addition go
// together.
func overlayAddress(base, add Address, strict bool) (Address, bool) {
	ok := true
	take := func(dst *string, v string) {
		if v == "" {
			return
		}
		if strict && *dst != "" && *dst != v {
			ok = false
		}
		*dst = v
	}
	take(&base.Street, add.Street)
	take(&base.Postcode, add.Postcode)
	take(&base.City, add.City)
	if add.HouseNumber != 0 {
		if strict && base.HouseNumber != 0 && (base.HouseNumber != add.HouseNumber || base.Addition != add.Addition) {
			ok = false
		}
		base.HouseNumber, base.Addition = add.HouseNumber, add.Addition
	}
	return base, ok
}

// UpsertUnitsTx creates or updates units inside the caller's transaction
// (for imports), keyed by address: postcode, house number and addition. For
// a unit that exists, fields left empty keep what is stored (the complex
// too, when ComplexID is 0); given ones replace it. It checks every row
// before writing anything and returns RowErrors when a row is bad (two rows
// with the same address are refused), so nothing is written then; running
// the same rows twice changes nothing the second time. The ids come back in
// the order of the rows. The audit log gets one "unit.imported" event with
// the numbers created and updated.
func (s *Service) UpsertUnitsTx(ctx context.Context, tx *db.Tx, a account.Actor, rows []UnitInput) ([]int64, error) {
	if err := checkBulk(tx, a); err != nil {
		return nil, err
	}
	bad := RowErrors{}
	// First the address of every row, to find the units that exist.
	addrs := make([]Address, len(rows))
	var postcodes []string
	for i, in := range rows {
		fe := validation.Errors{}
		addrs[i] = parseAddress(in.Street, in.HouseNumber, in.Addition, in.Postcode, in.City, false, fe)
		if addrs[i].Postcode == "" {
			fe.Add("postcode", "field.required")
		}
		if addrs[i].HouseNumber == 0 {
			fe.Add("house_number", "field.required")
		}
		if !addressKeyValid(fe) {
			bad.merge(i, fe)
			continue
		}
		postcodes = append(postcodes, addrs[i].Postcode)
	}
	slices.Sort(postcodes)
	postcodes = slices.Compact(postcodes)
	existing := map[string]Unit{}
	for chunk := range slices.Chunk(postcodes, occupancyChunk) {
		us, err := unitsByPostcodes(ctx, tx, chunk)
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			existing[addressKey(u.Address)] = u
		}
	}
	// Then every row in full, with what is stored filling its gaps.
	units := make([]Unit, len(rows))
	seen := map[string]int{}
	complexes := map[int64][]int{}
	for i, in := range rows {
		if _, isBad := bad[i]; isBad {
			continue
		}
		key := addressKey(addrs[i])
		if _, dup := seen[key]; dup {
			bad.add(i, "postcode", "portfolio.import_duplicate_address")
			continue
		}
		seen[key] = i
		old, exists := existing[key]
		if exists {
			in = fillUnitInput(in, old)
		}
		u, fe := in.parse()
		if u.ComplexID > 0 {
			complexes[u.ComplexID] = append(complexes[u.ComplexID], i)
		}
		if len(fe) > 0 {
			bad.merge(i, fe)
			continue
		}
		if exists {
			u.ID = old.ID
		}
		units[i] = u
	}
	for id, rowsOf := range complexes {
		ok, err := complexExists(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		if !ok {
			for _, i := range rowsOf {
				bad.add(i, "complex_id", "portfolio.complex_unknown")
			}
		}
	}
	if len(bad) > 0 {
		return nil, bad
	}
	ids := make([]int64, len(rows))
	var createdN, updatedN int
	fields := map[string]bool{}
	for i, u := range units {
		if u.ID == 0 {
			id, err := insertUnit(ctx, tx, u, s.clk.Now())
			if err != nil {
				return nil, fmt.Errorf("row %d: %w", i, err)
			}
			ids[i] = id
			createdN++
			continue
		}
		changed, err := s.writeUnitUpdate(ctx, tx, existing[addressKey(u.Address)], u)
		if err != nil {
			return nil, fmt.Errorf("row %d: %w", i, err)
		}
		if len(changed) > 0 {
			updatedN++
			for _, f := range changed {
				fields[f] = true
			}
		}
		ids[i] = u.ID
	}
	// One event for the whole batch: the audit chain takes an event per
	// change at a cost that grows with the events already in the
	// transaction, which an import of thousands of rows cannot pay.
	if createdN+updatedN > 0 {
		d := map[string]string{"source": "import", "created": strconv.Itoa(createdN), "updated": strconv.Itoa(updatedN)}
		if len(fields) > 0 {
			d["fields"] = strings.Join(slices.Sorted(maps.Keys(fields)), ",")
		}
		if err := s.audit.Record(ctx, tx, audit.Event{ActorUserID: a.UserID, ActorKind: a.Kind, Action: "unit.imported",
			TargetType: "unit", Details: d}); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// addressKey is what makes a unit's address unique.
func addressKey(a Address) string {
	return a.Postcode + "|" + strconv.Itoa(a.HouseNumber) + "|" + a.Addition
}

// fillUnitInput fills the empty fields of in from the stored unit.
func fillUnitInput(in UnitInput, old Unit) UnitInput {
	fill := func(dst *string, v string) {
		if strings.TrimSpace(*dst) == "" {
			*dst = v
		}
	}
	if in.ComplexID == 0 {
		in.ComplexID = old.ComplexID
	}
	fill(&in.Street, old.Street)
	fill(&in.City, old.City)
	if strings.TrimSpace(string(in.Type)) == "" {
		in.Type = old.Type
	}
	if strings.TrimSpace(string(in.Segment)) == "" {
		in.Segment = old.Segment
	}
	if old.FloorAreaTenths > 0 {
		fill(&in.FloorArea, FormatArea(old.FloorAreaTenths, "."))
	}
	fill(&in.Rooms, strconv.Itoa(old.Rooms))
	if old.WWSPoints != nil {
		fill(&in.WWSPoints, strconv.Itoa(*old.WWSPoints))
	}
	fill(&in.EnergyLabel, old.EnergyLabel)
	return in
}
