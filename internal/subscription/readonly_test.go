package subscription

import "testing"

func TestPrivacyDutyKeepsTheLawsWritesOpen(t *testing.T) {
	duties := []string{
		"POST /o/{org}/privacy/requests/{id}/export",
		"/api/v1/privacy/requests/7/erase",
		"/o/{org}/relations/{id}/erase",
		"/api/v1/relations/12/restriction",
		"/api/v1/relations/12/objections/3/decide",
		"/o/{org}/privacy/retention/holds",
		"/api/v1/access-grants/4/approve",
		"POST /o/{org}/settings/access/{id}",
	}
	for _, p := range duties {
		if !PrivacyDuty(p) {
			t.Errorf("%s: refused while read-only, but it is a privacy duty", p)
		}
	}
	writes := []string{
		"POST /o/{org}/rentruns", "/api/v1/units", "/o/{org}/relations/{id}",
		"/api/v1/leases/3/terminate", "/o/{org}/settings/profile", "/o/{org}/privacy",
	}
	for _, p := range writes {
		if PrivacyDuty(p) {
			t.Errorf("%s: allowed while read-only, but it is an ordinary write", p)
		}
	}
}
