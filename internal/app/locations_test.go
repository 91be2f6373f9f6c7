package app_test

import (
	"context"
	"strings"
	"testing"

	"hms/internal/app"
)

// Start-up refuses to keep data, or send mail, in a country outside the
// EEA without an adequacy decision (PRIVACY.md P18), before the database
// is opened or created.
func TestOpenRefusesALocationWithoutAdequacy(t *testing.T) {
	for _, c := range []struct {
		storage, mail, want string
	}{
		{"CN", "", "HMS_STORAGE_COUNTRY=CN"},
		{"", "US", "HMS_MAIL_COUNTRY=US"},
	} {
		dir := t.TempDir()
		a, err := app.Open(context.Background(), app.Config{DataDir: dir, StorageCountry: c.storage, MailCountry: c.mail})
		if err == nil {
			a.Close()
			t.Fatalf("%+v: opened", c)
		}
		if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "adequacy") {
			t.Errorf("%+v: %v", c, err)
		}
	}
}
