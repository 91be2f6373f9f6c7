package web

import (
	"encoding/base64"
	"net/url"
	"strings"
)

func encodeBase64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// safeRedirect accepts only local paths, so ?next= cannot send a user away.
func safeRedirect(target, fallback string) string {
	if target == "" || !strings.HasPrefix(target, "/") || strings.HasPrefix(target, "//") || strings.HasPrefix(target, "/\\") {
		return fallback
	}
	if u, err := url.Parse(target); err != nil || u.Host != "" || u.Scheme != "" {
		return fallback
	}
	return target
}
