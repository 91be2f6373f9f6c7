package web

import (
	_ "embed"
	"net/http"
	"strings"

	"hms/internal/privacy"
)

// The published privacy policy (Dutch, as shared/privacy-policy.nl.txt).
// Versioning and change announcements come with the privacy capability.
//
//go:embed content/privacy-policy.nl.txt
var privacyPolicy string

// policyBlock is a paragraph, a heading or a bulleted list of the policy.
type policyBlock struct {
	Heading bool
	Text    string
	Items   []string
}

func parsePolicy(text string) []policyBlock {
	var out []policyBlock
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		var items []string
		var lead []string
		for _, line := range strings.Split(para, "\n") {
			if l := strings.TrimSpace(line); strings.HasPrefix(l, "•") {
				items = append(items, strings.TrimSpace(strings.TrimPrefix(l, "•")))
			} else if len(items) > 0 {
				items[len(items)-1] += " " + l
			} else {
				lead = append(lead, l)
			}
		}
		if len(lead) > 0 {
			t := strings.Join(lead, " ")
			out = append(out, policyBlock{Text: t, Heading: len(t) < 90 && !strings.HasSuffix(t, ".") && !strings.HasSuffix(t, ":")})
		}
		if len(items) > 0 {
			out = append(out, policyBlock{Items: items})
		}
	}
	return out
}

// policyView is the policy with, below it, the register of recipients and
// sub-processors as configured (P17, P18).
type policyView struct {
	Blocks     []policyBlock
	Recipients recipientsView
}

// recipientsView is the partial "recipients": the register in the page's
// language.
type recipientsView struct {
	P    *page
	List []privacy.Recipient
}

func (s *Server) policy(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "policy.title")
	p.Data = policyView{Blocks: parsePolicy(privacyPolicy), Recipients: recipientsView{P: p, List: s.Privacy.Recipients()}}
	s.render(w, r, http.StatusOK, "policy", p)
}
