package mail

import "testing"

// Staff reading the outbox see reset and invitation links masked
// (hardening issue, "clean input"): the path stays, the token goes.
func TestMaskLinksHidesTokens(t *testing.T) {
	in := "Reset: https://hms.example.nl/password/reset?token=AbC-123_xyz%3D\n" +
		"Uitnodiging: https://hms.example.nl/invitation?lang=nl&token=q9Z8 (7 dagen geldig)\n" +
		"Inloggen: https://hms.example.nl/login"
	want := "Reset: https://hms.example.nl/password/reset?token=…\n" +
		"Uitnodiging: https://hms.example.nl/invitation?lang=nl&token=… (7 dagen geldig)\n" +
		"Inloggen: https://hms.example.nl/login"
	if got := MaskLinks(in); got != want {
		t.Fatalf("MaskLinks:\n%s\nwant\n%s", got, want)
	}
}
