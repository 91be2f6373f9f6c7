package bankfile

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"hms/internal/nl"
)

// codeWords are the :86: code words of structured MT940 (Betaalvereniging MT940S,
// ING, Rabobank, ABN AMRO, Triodos, bunq, Van Lanschot). A code word counts only
// written as /WORD/; the value runs to the next code word, so values may hold
// slashes and spaces (Rabobank, ABN AMRO) or end in "//" (ING).
var codeWords = map[string]bool{
	"EREF": true, "MARF": true, "CSID": true, "CNTP": true, "REMI": true, "RTRN": true,
	"PREF": true, "BUSP": true, "BENM": true, "ORDP": true, "NAME": true, "IBAN": true,
	"BIC": true, "ADDR": true, "ISDT": true, "ACCW": true, "TRTP": true, "RTYP": true,
	"NRTX": true, "PIND": true, "SUM": true, "PURP": true, "ULTC": true, "ULTD": true,
	"ULTB": true, "SVCL": true, "EXCH": true, "CHGS": true, "OCMT": true, "IREF": true,
}

type codeValue struct{ code, value string }

// tokenize splits structured :86: text into code words and values. ok is false
// when the text does not start with a code word (unstructured text).
func tokenize(s string) (out []codeValue, ok bool) {
	type hit struct{ start, value int }
	var hits []hit
	for i := 0; i < len(s); i++ {
		if s[i] != '/' {
			continue
		}
		j := strings.IndexByte(s[i+1:], '/')
		if j < 2 || j > 4 {
			continue
		}
		if code := s[i+1 : i+1+j]; codeWords[code] {
			hits = append(hits, hit{start: i, value: i + j + 2})
			out = append(out, codeValue{code: code})
			i += j // the closing slash may open the next code word ("/BENM//NAME/")
		}
	}
	if len(hits) == 0 || hits[0].start != 0 {
		return nil, false
	}
	for k, h := range hits {
		end := len(s)
		if k+1 < len(hits) {
			end = hits[k+1].start
		}
		if h.value > end { // "/BENM//NAME/": BENM is empty
			h.value = end
		}
		v := strings.TrimSpace(s[h.value:end])
		out[k].value = strings.TrimSpace(strings.TrimRight(v, "/"))
	}
	return out, true
}

// join86 joins :86: lines for code words: without a separator, because banks cut
// lines at 65 characters anywhere, also inside a code word ("/RE" + "MI/").
func join86(lines []string) string {
	return strings.TrimSpace(strings.Join(lines, ""))
}

// joinText joins free-text lines: a full 65-character line was cut, so the next
// one continues it directly; after a shorter line a space separates them.
func joinText(lines []string) string {
	var b strings.Builder
	for i, l := range lines {
		if i > 0 && utf8.RuneCountInString(lines[i-1]) < 65 {
			b.WriteByte(' ')
		}
		b.WriteString(l)
	}
	return squeeze(b.String())
}

func (p *mtParser) apply86(e *Entry, f mtField) {
	tx := &e.Details[0]
	warn := func(detail string) {
		p.st.warn(Warning{MsgID: WarnLenientValue, Line: f.line, Detail: detail})
	}
	raw := join86(f.lines)
	if tokens, ok := tokenize(raw); ok {
		structured(e, tx, tokens, warn)
	} else if triodosLegacy.MatchString(raw) {
		triodos(tx, raw, warn)
	} else {
		unstructured(tx, f.lines, warn)
	}
	if tx.CreditorRef.Ref == "" {
		creditorRefFromText(tx)
	}
	// ING puts a betalingskenmerk paid with the entry in the :61: reference.
	if tx.CreditorRef.Ref == "" && len(e.BankRef) >= 7 && len(e.BankRef) <= 16 && allDigits(e.BankRef) &&
		nl.ValidateKenmerk(e.BankRef) == nil {
		tx.CreditorRef = CreditorRef{Ref: e.BankRef, Issuer: "CUR"}
	}
}

var totaal = regexp.MustCompile(`^TOTAAL\s+(\d+)\s+(POSTEN|VZ)$`)

func structured(e *Entry, tx *Tx, tokens []codeValue, warn func(string)) {
	for _, t := range tokens {
		v := t.value
		switch t.code {
		case "EREF":
			tx.EndToEndID = endToEnd(v)
		case "MARF":
			tx.MandateID = v
		case "CSID":
			id := nl.NormalizeCreditorID(v)
			if nl.ValidateCreditorID(id) != nil {
				warn("incassant ID " + quote(v) + " does not check")
			}
			tx.CreditorID = id
		case "CNTP", "BENM", "ORDP":
			// ING layout: IBAN/BIC/name/city; Rabobank and ABN AMRO leave the value
			// empty and write /NAME/ and /IBAN/ separately.
			if v == "" || strings.HasPrefix(v, "/") {
				continue
			}
			parts := strings.Split(v, "/")
			if w := tx.Counterparty.account(parts[0]); w != "" {
				warn(w)
			}
			if len(parts) > 1 && parts[1] != "" {
				tx.Counterparty.BIC = bic(parts[1], warn)
			}
			if len(parts) > 2 {
				tx.Counterparty.Name = strings.TrimSpace(parts[2])
			}
			if len(parts) > 3 {
				tx.Counterparty.City = strings.TrimSpace(parts[3])
			}
		case "NAME":
			tx.Counterparty.Name = v
		case "IBAN":
			if w := tx.Counterparty.account(v); w != "" {
				warn(w)
			}
		case "BIC":
			tx.Counterparty.BIC = bic(v, warn)
		case "ACCW":
			acct, b, _ := strings.Cut(v, ",")
			if tx.Counterparty.IBAN == "" && tx.Counterparty.Account == "" {
				if w := tx.Counterparty.account(acct); w != "" {
					warn(w)
				}
			}
			if tx.Counterparty.BIC == "" && b != "" {
				tx.Counterparty.BIC = bic(b, warn)
			}
		case "REMI":
			remittance(tx, v)
		case "RTRN":
			reason, _, _ := strings.Cut(strings.TrimLeft(v, "/ "), "/")
			tx.ReturnReason = strings.ToUpper(strings.TrimSpace(reason))
		case "PREF":
			ref, _, _ := strings.Cut(v, "/")
			e.BatchRef = strings.TrimSpace(ref)
		case "NRTX":
			if n, err := strconv.Atoi(v); err == nil && n >= 0 {
				e.BatchCount = n
			} else {
				warn("number of transactions " + quote(v))
			}
		case "TRTP", "RTYP", "BUSP":
			tx.Kind = v
		}
	}
	if m := totaal.FindStringSubmatch(squeeze(tx.Remittance)); m != nil && e.BatchRef != "" && e.BatchCount == 0 {
		e.BatchCount, _ = strconv.Atoi(m[1])
	}
}

var rabobankCreditorRef = regexp.MustCompile(`CDTRREFTP//CD/([^/]*)/ISSR/([^/]*)/CDTRREF/([^/]*)`)

// remittance reads /REMI/: ING "USTD//text" and "STRD/CUR/kenmerk", Rabobank
// "/CDTRREFTP//CD/SCOR/ISSR/CUR/CDTRREF/kenmerk", else plain text.
func remittance(tx *Tx, v string) {
	switch {
	case strings.HasPrefix(v, "USTD/"):
		tx.Remittance = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(v, "USTD/"), "/"))
	case strings.HasPrefix(v, "STRD/"):
		issuer, ref, _ := strings.Cut(strings.TrimPrefix(v, "STRD/"), "/")
		ref, _, _ = strings.Cut(ref, "/")
		tx.CreditorRef = CreditorRef{Ref: strings.TrimSpace(ref), Issuer: issuer, Type: "SCOR"}
	default:
		if m := rabobankCreditorRef.FindStringSubmatch(v); m != nil {
			tx.CreditorRef = CreditorRef{Ref: strings.TrimSpace(m[3]), Issuer: m[2], Type: m[1]}
			return
		}
		tx.Remittance = strings.TrimSpace(strings.TrimLeft(v, "/"))
	}
}

var (
	kenmerkInText = regexp.MustCompile(`(?i)BETALINGSKENM\.?:?\s*(\d[\d ]{5,22}\d)`)
	abnAcceptgiro = regexp.MustCompile(`Issuer:\s*(CUR|ISO)\s+Ref:\s*([0-9A-Z]+)`)
	rfInText      = regexp.MustCompile(`\bRF\d{2}[0-9A-Z]{1,21}\b`)
)

// creditorRefFromText finds a structured reference written in the remittance text:
// "BETALINGSKENM. 1234…" (Rabobank, ABN AMRO), ABN AMRO's "Issuer: CUR Ref: …",
// or an ISO 11649 RF reference.
func creditorRefFromText(tx *Tx) {
	text := tx.Remittance
	if m := abnAcceptgiro.FindStringSubmatch(text); m != nil {
		tx.CreditorRef = CreditorRef{Ref: m[2], Issuer: m[1]}
		return
	}
	if m := kenmerkInText.FindStringSubmatch(text); m != nil {
		digits := strings.ReplaceAll(m[1], " ", "")
		if len(digits) >= 7 && len(digits) <= 16 {
			tx.CreditorRef = CreditorRef{Ref: digits, Issuer: "CUR"}
			return
		}
	}
	for _, rf := range rfInText.FindAllString(text, -1) {
		if validRF(rf) {
			tx.CreditorRef = CreditorRef{Ref: rf, Issuer: "ISO"}
			return
		}
	}
}

// validRF checks an ISO 11649 creditor reference: move "RFcc" to the end, letters
// A=10 … Z=35, the number mod 97 is 1.
func validRF(s string) bool {
	r := 0
	for _, c := range s[4:] + s[:4] {
		switch {
		case c >= '0' && c <= '9':
			r = (r*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			r = (r*100 + int(c-'A'+10)) % 97
		default:
			return false
		}
	}
	return r == 1
}

func bic(v string, warn func(string)) string {
	b := nl.NormalizeBIC(v)
	if nl.ValidateBIC(b) != nil {
		warn(quote(v) + " is not a valid BIC")
	}
	return b
}

var (
	triodosLegacy = regexp.MustCompile(`^\d{3}>\d\d`)
	triodosSub    = regexp.MustCompile(`>(\d\d)`)
)

// triodos reads the older Triodos layout: ">nn" subfields, >10 the counterparty's
// account, >20…>29 text in 27-character pieces; SEPA entries give the BIC in >20
// and the IBAN in >21.
func triodos(tx *Tx, raw string, warn func(string)) {
	sub := map[string]string{}
	idx := triodosSub.FindAllStringSubmatchIndex(raw, -1)
	for k, m := range idx {
		end := len(raw)
		if k+1 < len(idx) {
			end = idx[k+1][0]
		}
		sub[raw[m[2]:m[3]]] += raw[m[1]:end]
	}
	first := 20
	if b, i := strings.TrimSpace(sub["20"]), nl.NormalizeIBAN(sub["21"]); nl.ValidateBIC(b) == nil && looksLikeIBAN(i) {
		tx.Counterparty.BIC = b
		if w := tx.Counterparty.account(i); w != "" {
			warn(w)
		}
		first = 22
	} else if a := strings.TrimSpace(sub["10"]); strings.Trim(a, "0") != "" && allDigits(a) {
		tx.Counterparty.Account = a
	}
	var text strings.Builder
	for n := first; n <= 29; n++ {
		text.WriteString(sub[strconv.Itoa(n)])
	}
	tx.Remittance = squeeze(text.String())
}

// labels of unstructured text: ABN AMRO's columns ("IBAN: … BIC: … NAAM: …"),
// Knab's "REK: …/NAAM: …", SNS's "Incassant ID: … Kenmerk Machtiging: …".
var labels = []string{
	"IBAN:", "BIC:", "NAAM:", "OMSCHRIJVING:", "KENMERK:", "BETALINGSKENM.:", "MACHTIGING:", "INCASSANT:",
	"ID DEBITEUR:", "REK:", "Incassant ID:", "Kenmerk Machtiging:",
}

type labelled struct {
	before string
	values map[string]string
}

// findLabels cuts text at the labels it holds.
func findLabels(text string) labelled {
	type at struct {
		label    string
		pos, end int
	}
	var found []at
	for _, l := range labels {
		for off := 0; ; {
			i := strings.Index(text[off:], l)
			if i < 0 {
				break
			}
			pos := off + i
			found = append(found, at{l, pos, pos + len(l)})
			off = pos + len(l)
		}
	}
	out := labelled{values: map[string]string{}}
	if len(found) == 0 {
		out.before = text
		return out
	}
	// sort by position (few labels: insertion sort)
	for i := 1; i < len(found); i++ {
		for j := i; j > 0 && found[j].pos < found[j-1].pos; j-- {
			found[j], found[j-1] = found[j-1], found[j]
		}
	}
	out.before = strings.TrimSpace(text[:found[0].pos])
	for k, f := range found {
		end := len(text)
		if k+1 < len(found) {
			end = found[k+1].pos
		}
		if f.end > end {
			continue
		}
		if _, dup := out.values[f.label]; !dup {
			out.values[f.label] = strings.Trim(strings.TrimSpace(text[f.end:end]), "/-")
		}
	}
	return out
}

var reasonCode = regexp.MustCompile(`^[A-Z]{2}\d{2}$`)

// unstructured reads free :86: text: ABN AMRO's labelled columns, and the text of
// ING IBP, SNS, ASN, Knab and others that starts with a counterparty IBAN.
func unstructured(tx *Tx, lines []string, warn func(string)) {
	text := joinText(lines)
	lab := findLabels(text)
	for label, v := range lab.values {
		switch label {
		case "IBAN:", "REK:":
			if tx.Counterparty.IBAN == "" && tx.Counterparty.Account == "" {
				if w := tx.Counterparty.account(v); w != "" {
					warn(w)
				}
			}
		case "BIC:":
			tx.Counterparty.BIC = bic(v, warn)
		case "NAAM:":
			tx.Counterparty.Name = v
		case "KENMERK:":
			tx.EndToEndID = endToEnd(v)
		case "BETALINGSKENM.:":
			tx.CreditorRef = CreditorRef{Ref: strings.ReplaceAll(v, " ", ""), Issuer: "CUR"}
		case "MACHTIGING:", "Kenmerk Machtiging:":
			tx.MandateID = v
		case "INCASSANT:", "Incassant ID:":
			tx.CreditorID = nl.NormalizeCreditorID(v)
		}
	}
	if d, ok := lab.values["OMSCHRIJVING:"]; ok && strings.HasPrefix(text, "SEPA ") {
		tx.Kind, tx.Remittance = lab.before, d // ABN AMRO columns
		return
	}
	words := strings.Fields(text)
	k := 0
	if len(words) > 1 && reasonCode.MatchString(words[0]) && looksLikeIBAN(words[1]) {
		tx.ReturnReason, k = words[0], 1 // ING IBP: "AC04 NL20INGB… INGBNL2A …"
	}
	if k < len(words) && looksLikeIBAN(words[k]) {
		iban := words[k]
		if tx.Counterparty.IBAN == "" && tx.Counterparty.Account == "" {
			if w := tx.Counterparty.account(iban); w != "" {
				warn(w)
			}
		}
		k++
		// A BIC follows in ING's layout; its country is the IBAN's, which tells it
		// from a name that happens to be eight capitals.
		if k < len(words) && words[k] == nl.NormalizeBIC(words[k]) && nl.ValidateBIC(words[k]) == nil &&
			words[k][4:6] == iban[:2] {
			tx.Counterparty.BIC = words[k]
			k++
		}
	}
	rest := strings.Join(words[k:], " ")
	if name := squeeze(tx.Counterparty.Name); name != "" && strings.HasPrefix(rest, name) {
		rest = strings.TrimSpace(rest[len(name):])
	}
	tx.Remittance = rest
}
