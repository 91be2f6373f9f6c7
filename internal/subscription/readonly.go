package subscription

import "strings"

// privacyDutyParts mark the writes an organisation must still be able to do
// while it may only read: answering subject requests, erasing, restricting,
// recording and deciding objections, legal holds, deciding staff access
// grants, the privacy settings. The law's duties to the people in the data
// do not end with a trial (GDPR art. 12–22), so a read-only organisation is
// never kept from them.
var privacyDutyParts = []string{"/privacy/", "/access-grants/", "/settings/access/", "/restriction", "/objections"}

// PrivacyDuty reports whether a write to path (a route pattern or a request
// path, with or without the API prefix) is a privacy duty that read-only
// does not stop.
func PrivacyDuty(path string) bool {
	if strings.HasSuffix(path, "/erase") {
		return true
	}
	for _, p := range privacyDutyParts {
		if strings.Contains(path, p) {
			return true
		}
	}
	return false
}
