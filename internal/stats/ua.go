package stats

import (
	_ "embed"
	"strings"
)

// The user agent is read for its family only (browser, system, device
// class) and whether it is a robot; the string itself is never kept.

//go:embed bots.txt
var botList string

var botPatterns = func() []string {
	var out []string
	for _, l := range strings.Split(botList, "\n") {
		l = strings.ToLower(strings.TrimSpace(l))
		if l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}()

// IsBot reports whether a user agent is a robot by bots.txt; an empty one
// is too (browsers always send one).
func IsBot(ua string) bool {
	if strings.TrimSpace(ua) == "" {
		return true
	}
	l := strings.ToLower(ua)
	for _, p := range botPatterns {
		if strings.Contains(l, p) {
			return true
		}
	}
	return false
}

// The device classes.
const (
	DevicePhone   = "phone"
	DeviceTablet  = "tablet"
	DeviceDesktop = "desktop"
)

// Devices are the device classes in the order they are shown.
var Devices = []string{DevicePhone, DeviceTablet, DeviceDesktop}

// Other is the family of what is not recognised.
const Other = "other"

// Browsers and Systems are the families recognised, in the order they are
// tried; their names are shown as they are (product names).
var (
	Browsers = []string{"Edge", "Opera", "Samsung Internet", "Firefox", "Chrome", "Safari"}
	Systems  = []string{"Windows", "iOS", "macOS", "Android", "ChromeOS", "Linux"}
)

// Agent is what is read from a user agent (and the client hints beside it).
type Agent struct {
	Device, Browser, System string
}

// ParseAgent reads the families from a user agent; mobileHint and
// platformHint are the Sec-CH-UA-Mobile and Sec-CH-UA-Platform client hints
// when the browser sent them ("" when not).
func ParseAgent(ua, mobileHint, platformHint string) Agent {
	l := strings.ToLower(ua)
	has := func(s ...string) bool {
		for _, x := range s {
			if strings.Contains(l, x) {
				return true
			}
		}
		return false
	}
	a := Agent{Browser: Other, System: Other, Device: DeviceDesktop}
	switch {
	case has("edg/", "edga/", "edgios/"):
		a.Browser = "Edge"
	case has("opr/", "opera"):
		a.Browser = "Opera"
	case has("samsungbrowser/"):
		a.Browser = "Samsung Internet"
	case has("firefox/", "fxios/"):
		a.Browser = "Firefox"
	case has("chrome/", "crios/", "chromium/"):
		a.Browser = "Chrome"
	case has("safari/") && has("version/", "iphone", "ipad", "macintosh"):
		a.Browser = "Safari"
	}
	switch {
	case has("windows"):
		a.System = "Windows"
	case has("iphone", "ipad", "ipod"):
		a.System = "iOS"
	case has("android"):
		a.System = "Android"
	case has("cros"):
		a.System = "ChromeOS"
	case has("macintosh", "mac os x"):
		a.System = "macOS"
	case has("linux", "x11"):
		a.System = "Linux"
	}
	switch strings.Trim(platformHint, `" `) {
	case "Windows":
		a.System = "Windows"
	case "macOS":
		a.System = "macOS"
	case "Android":
		a.System = "Android"
	case "iOS":
		a.System = "iOS"
	case "Chrome OS", "ChromeOS":
		a.System = "ChromeOS"
	case "Linux":
		a.System = "Linux"
	}
	switch {
	case has("ipad", "tablet", "kindle", "silk/", "playbook") || (has("android") && !has("mobile")):
		a.Device = DeviceTablet
	case mobileHint == "?1" || has("mobile", "iphone", "ipod", "windows phone", "opera mini"):
		a.Device = DevicePhone
	}
	return a
}

// The screen classes, from the viewport width a browser says in a client
// hint; unknown without one (no script measures it).
const (
	ScreenSmall   = "small"   // under 768 CSS pixels
	ScreenMedium  = "medium"  // 768 to 1199
	ScreenLarge   = "large"   // 1200 and wider
	ScreenUnknown = "unknown" // the browser sent no hint
)

// ScreenClass is the class of a viewport width in CSS pixels (0: unknown).
func ScreenClass(width int) string {
	switch {
	case width <= 0:
		return ScreenUnknown
	case width < 768:
		return ScreenSmall
	case width < 1200:
		return ScreenMedium
	}
	return ScreenLarge
}
