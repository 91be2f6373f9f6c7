package db

import (
	"database/sql"
	"fmt"
	"time"
)

// TimeLayout is how instants are stored: UTC, fixed width, so that text order
// is time order on both engines.
const TimeLayout = "2006-01-02T15:04:05.000000Z"

// TS formats t for storage.
func TS(t time.Time) string { return t.UTC().Format(TimeLayout) }

// ParseTS reads a stored instant.
func ParseTS(s string) (time.Time, error) {
	t, err := time.Parse(TimeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t, nil
}

// NullTS formats an optional instant; the zero time is NULL.
func NullTS(t time.Time) sql.NullString {
	if t.IsZero() {
		return sql.NullString{}
	}
	return sql.NullString{String: TS(t), Valid: true}
}

// ParseNullTS reads an optional instant; NULL is the zero time.
func ParseNullTS(s sql.NullString) (time.Time, error) {
	if !s.Valid || s.String == "" {
		return time.Time{}, nil
	}
	return ParseTS(s.String)
}

// ShownTS reads a stored instant that is only shown (when a row was made,
// sent, finished), never computed with: one that does not parse, or "",
// is the zero time ("unknown") rather than an error that hides the row.
func ShownTS(s string) time.Time {
	t, err := ParseTS(s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// ShownNullTS is ShownTS for an optional instant; NULL is the zero time.
func ShownNullTS(s sql.NullString) time.Time { return ShownTS(s.String) }
