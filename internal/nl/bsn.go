package nl

// IsBSN reports whether s is exactly 9 ASCII digits, not all zeros, that pass
// the BSN 11-test: 9·d1 + 8·d2 + … + 2·d8 − 1·d9 is divisible by 11. No
// separators are allowed; use [FindBSNs] for numbers written in text.
func IsBSN(s string) bool {
	if len(s) != 9 || !isDigits(s) || s == "000000000" {
		return false
	}
	sum := 0
	for i := 0; i < 8; i++ {
		sum += (9 - i) * int(s[i]-'0')
	}
	sum -= int(s[8] - '0')
	return sum%11 == 0
}

// FindBSNs returns the BSNs (9 digits, without separators) that occur in
// text, in order; a number that occurs twice is returned twice. See
// [FindBSNIndex] for what counts as a number.
func FindBSNs(text string) []string {
	var out []string
	for _, m := range findBSNs(text) {
		out = append(out, m.digits)
	}
	return out
}

// FindBSNIndex returns the byte offsets [start, end) in text of the BSNs that
// [FindBSNs] finds, so that a caller can redact them.
//
// A number in text is a run of digits in which single dots or hyphens may
// separate groups ("1234.56.782", "123-456-782"); runs separated by a single
// space (also a no-break space) may belong to one number ("123 456 782").
// Any other character ends a number, letters included, so the BSN inside an
// old btw-id "NL123456782B01" is found. A candidate is a sequence of
// consecutive runs with exactly 9 digits in all, taken whole, so "123456782 2"
// yields 123456782 but "1234567829" (10 digits) yields nothing; candidates
// that pass [IsBSN] are reported, leftmost first and without overlaps.
//
// Numbers of 8 digits are not reported, although an old BSN (sofinummer) is
// sometimes written without its leading zero: 8-digit numbers in rental
// texts are mostly KvK numbers and dates, and with the 11-test alone about
// 1 in 11 of them would be reported. For the same reason the guard that
// uses this should also look at context words (PRIVACY.md P10).
func FindBSNIndex(text string) [][2]int {
	var out [][2]int
	for _, m := range findBSNs(text) {
		out = append(out, [2]int{m.start, m.end})
	}
	return out
}

type bsnMatch struct {
	start, end int
	digits     string
}

// digitRun is a run of digits with single '.' or '-' inside.
type digitRun struct {
	start, end int
	digits     string
}

func findBSNs(text string) []bsnMatch {
	var matches []bsnMatch
	var chain []digitRun
	flush := func() {
		for i := 0; i < len(chain); {
			j, n := i, 0
			for j < len(chain) && n < 9 {
				n += len(chain[j].digits)
				j++
			}
			if n == 9 {
				var d string
				for _, r := range chain[i:j] {
					d += r.digits
				}
				if IsBSN(d) {
					matches = append(matches, bsnMatch{chain[i].start, chain[j-1].end, d})
					i = j
					continue
				}
			}
			i++
		}
		chain = chain[:0]
	}

	isDigit := func(i int) bool { return i < len(text) && text[i] >= '0' && text[i] <= '9' }
	i := 0
	for i < len(text) {
		if !isDigit(i) {
			i++
			continue
		}
		// one run: digits, with a single '.' or '-' between digits
		start := i
		var digits []byte
		for {
			for isDigit(i) {
				digits = append(digits, text[i])
				i++
			}
			if i+1 < len(text) && (text[i] == '.' || text[i] == '-') && isDigit(i+1) {
				i++
				continue
			}
			break
		}
		if len(chain) > 0 && !singleSpace(text[chain[len(chain)-1].end:start]) {
			flush()
		}
		chain = append(chain, digitRun{start, i, string(digits)})
	}
	flush()
	return matches
}

// singleSpace reports whether s is exactly one space, tab or no-break space.
func singleSpace(s string) bool {
	switch s {
	case " ", "\t", "\u00a0", "\u202f":
		return true
	}
	return false
}
