package csvfile

import (
	"encoding/csv"
	"fmt"
	"io"

	"hms/internal/platform/csvsafe"
)

// Write writes a header and rows as a file for people: a UTF-8 byte-order
// mark and ';' between the cells (what Dutch spreadsheet programs open
// correctly), and every cell that a spreadsheet would run as a formula
// defused (csvsafe; signed numbers stay numbers). Read with Options.Undo
// gives the cells back as they were.
func Write(w io.Writer, header []string, rows [][]string) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	if err := cw.Write(csvsafe.Row(header)); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	for _, r := range rows {
		if err := cw.Write(csvsafe.Row(r)); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}
