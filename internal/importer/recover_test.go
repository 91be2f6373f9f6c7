package importer_test

import (
	"context"
	"testing"

	"hms/internal/app/apptest"
	"hms/internal/importer"
	"hms/internal/platform/dbtest"
)

// An upload whose worker died (its only attempt's lease ran out: the job is
// dead) does not say "queued" for ever: recovery marks it failed with the
// reason, once; an upload whose job is still waiting is left alone.
func TestStoppedImportIsMarkedFailed(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := apptest.Start(t, engine, apptest.Options{NoServer: true})
			ctx := context.Background()
			a, _ := setup(t, e, "kapot", true)
			dead, err := e.Importer.Submit(ctx, a, "huurlijst.csv", []byte(rentRoll(t, 3)))
			if err != nil {
				t.Fatal(err)
			}
			waiting, err := e.Importer.Submit(ctx, a, "tweede.csv", []byte(rentRoll(t, 3)))
			if err != nil {
				t.Fatal(err)
			}
			up, err := e.Importer.GetUpload(ctx, a, dead)
			if err != nil {
				t.Fatal(err)
			}
			// What the queue leaves of a job whose worker died on its only attempt.
			if _, err := e.DB.Raw().ExecContext(ctx, `UPDATE jobs SET state = 'dead' WHERE id = $1`, up.JobID); err != nil {
				t.Fatal(err)
			}
			if n, err := e.Importer.RecoverUploads(ctx); err != nil || n != 1 {
				t.Fatalf("recover: %d %v", n, err)
			}
			up, err = e.Importer.GetUpload(ctx, a, dead)
			if err != nil || up.State != "failed" || up.Problem != importer.StoppedReason {
				t.Fatalf("stopped upload: %+v %v", up, err)
			}
			if other, err := e.Importer.GetUpload(ctx, a, waiting); err != nil || other.State != "queued" {
				t.Fatalf("waiting upload: %+v %v", other, err)
			}
			if n, err := e.Importer.RecoverUploads(ctx); err != nil || n != 0 {
				t.Fatalf("recover again: %d %v", n, err)
			}
		})
	}
}
