package validation

import (
	"strings"
	"unicode/utf8"
)

// MsgText is the message id for text with characters nobody types: it is
// what Text returns for every refusal, so each layer shows one sentence.
const MsgText = "field.text_characters"

// Text checks free text before it is stored, searched or printed. It
// refuses invalid UTF-8 and U+FFFD (the mark a decoder leaves where the
// encoding was already broken), NUL and the other C0 and C1 control
// characters and DEL, and the bidirectional controls (U+200E/U+200F,
// U+202A–U+202E, U+2066–U+2069) that make a name or IBAN read differently
// on screen than it is stored ("Trojan Source"). A multi-line field may
// hold newlines (LF, or CR LF) and tabs; a single-line field none of them.
// It returns "" when s is clean, else MsgText.
func Text(s string, multiline bool) string {
	if !utf8.ValidString(s) {
		return MsgText
	}
	for i, r := range s {
		switch {
		case r == '\n' || r == '\t':
			if !multiline {
				return MsgText
			}
		case r == '\r':
			if !multiline || !strings.HasPrefix(s[i+1:], "\n") {
				return MsgText
			}
		case r < 0x20 || (r >= 0x7f && r <= 0x9f):
			return MsgText
		case r == utf8.RuneError, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			return MsgText
		}
	}
	return ""
}

// CheckText adds MsgText at field when s is not clean text (see Text).
func (e Errors) CheckText(field, s string, multiline bool) {
	if msg := Text(s, multiline); msg != "" {
		e.Add(field, msg)
	}
}

// multiline are the fields, by their form or JSON name, that hold lines of
// text: the web's textareas (a test in internal/web checks the templates
// against this list), the same fields in the API, and the API's "csv"
// (a whole file, whose importer checks every cell itself).
var multiline = map[string]bool{
	"landlord_address": true, "meldpunt": true, "extra_information": true, "objection_text": true,
	"objection_text_free": true, "inspection_text": true, "reason": true, "degree_days": true, "purposes": true, "csv": true,
	"description": true, "consequences": true, "measures": true, "late_reason": true,
	"grounds": true, "done": true, "details": true,
}

// Multiline reports whether the field named name (a form name such as
// "notice.reason" or "mail_purpose", or a JSON name) may hold newlines.
func Multiline(name string) bool {
	if i := strings.LastIndexAny(name, ".]"); i >= 0 {
		name = name[i+1:]
	}
	return multiline[name] || strings.HasSuffix(name, "_purpose")
}
