package privacy

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"hms/internal/platform/civil"
)

// The privacy policy and the terms of use (PRIVACY.md P23, P24) are
// versioned documents, embedded like the processor agreement: one file per
// version and language, policies/{document}-{version}.{lang}.md, each
// opening with a header between "---" lines that gives the version, the
// day it takes effect, the day it was announced, whether it is a material
// change and a one-line summary of what changed.
//
//go:embed policies/*.md
var policyFiles embed.FS

// PolicyDoc is which text: the privacy policy or the terms of use.
type PolicyDoc string

const (
	PrivacyPolicy PolicyDoc = "privacy"
	Terms         PolicyDoc = "terms"
)

// PolicyDocs are the published documents, in the order pages list them.
var PolicyDocs = []PolicyDoc{PrivacyPolicy, Terms}

// policyLanguages are the languages every version is written in; Dutch
// prevails.
var policyLanguages = []string{"nl", "en"}

// minTermsNotice is how long before it takes effect a terms version is
// announced at the latest (P24).
const minTermsNotice = 30

// PolicyVersion is one version of a document.
type PolicyVersion struct {
	Document  PolicyDoc
	Version   string     // "2026-01"; versions sort as text
	Effective civil.Date // the day it applies from
	Announced civil.Date // the day it is published and, when announced by mail, mailed
	Material  bool       // a material change of the privacy policy: banner and mail
	First     bool       // the first version: nothing changed, nothing to announce
	summary   map[string]string
	text      map[string]string
}

// Text is the version in lang (Dutch when lang is not written), as Markdown.
func (v PolicyVersion) Text(lang string) string { return inLang(v.text, lang) }

// Summary is what changed, in lang.
func (v PolicyVersion) Summary(lang string) string { return inLang(v.summary, lang) }

func inLang(m map[string]string, lang string) string {
	if s, ok := m[lang]; ok {
		return s
	}
	return m["nl"]
}

// Announces reports whether publishing v is mailed to every user and shown
// in a banner: any new terms version (P24), a material policy change (P23).
func (v PolicyVersion) Announces() bool {
	return !v.First && (v.Document == Terms || v.Material)
}

// Policies are every version of every document.
type Policies struct {
	versions map[PolicyDoc][]PolicyVersion // oldest first
}

// PublishedPolicies are the embedded documents.
var PublishedPolicies = mustLoadPolicies()

func mustLoadPolicies() *Policies {
	sub, err := fs.Sub(policyFiles, "policies")
	if err == nil {
		var p *Policies
		if p, err = LoadPolicies(sub); err == nil {
			return p
		}
	}
	panic(fmt.Sprintf("privacy: embedded policies: %v", err)) // a test loads them first
}

// LoadPolicies reads every *.md file at the top of fsys and checks the
// rules a set of versions keeps: both languages agree on the header,
// versions and effective dates ascend, none takes effect before it is
// announced, and a terms version is announced at least 30 days ahead.
func LoadPolicies(fsys fs.FS) (*Policies, error) {
	names, err := fs.Glob(fsys, "*.md")
	if err != nil {
		return nil, err
	}
	byKey := map[string]*PolicyVersion{}
	for _, name := range names {
		base := strings.TrimSuffix(path.Base(name), ".md")
		dot := strings.LastIndexByte(base, '.')
		dash := strings.IndexByte(base, '-')
		if dot < 0 || dash < 0 || dash > dot {
			return nil, fmt.Errorf("%s: name is not {document}-{version}.{lang}.md", name)
		}
		doc, version, lang := PolicyDoc(base[:dash]), base[dash+1:dot], base[dot+1:]
		if doc != PrivacyPolicy && doc != Terms {
			return nil, fmt.Errorf("%s: unknown document %q", name, doc)
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		h, body, err := parsePolicyFile(string(b))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if h.Version != version {
			return nil, fmt.Errorf("%s: header version %q differs from the file name", name, h.Version)
		}
		summary := h.summary["-"]
		key := string(doc) + " " + version
		v, ok := byKey[key]
		if !ok {
			h.Document = doc
			h.summary, h.text = map[string]string{}, map[string]string{}
			v = &h
			byKey[key] = v
		} else if v.Effective != h.Effective || v.Announced != h.Announced || v.Material != h.Material {
			return nil, fmt.Errorf("%s: header differs from the other language's", name)
		}
		v.summary[lang] = summary
		v.text[lang] = body
	}
	p := &Policies{versions: map[PolicyDoc][]PolicyVersion{}}
	for _, v := range byKey {
		for _, lang := range policyLanguages {
			if _, ok := v.text[lang]; !ok {
				return nil, fmt.Errorf("%s %s: no %s text", v.Document, v.Version, lang)
			}
		}
		p.versions[v.Document] = append(p.versions[v.Document], *v)
	}
	for _, doc := range PolicyDocs {
		vs := p.versions[doc]
		if len(vs) == 0 {
			return nil, fmt.Errorf("no version of %s", doc)
		}
		sort.Slice(vs, func(i, j int) bool { return vs[i].Version < vs[j].Version })
		vs[0].First = true
		for i, v := range vs {
			if v.Effective.Before(v.Announced) {
				return nil, fmt.Errorf("%s %s takes effect before it is announced", doc, v.Version)
			}
			if doc == Terms && v.Effective.Before(v.Announced.AddDays(minTermsNotice)) {
				return nil, fmt.Errorf("terms %s take effect less than %d days after their announcement", v.Version, minTermsNotice)
			}
			if i > 0 && !vs[i-1].Effective.Before(v.Effective) {
				return nil, fmt.Errorf("%s %s does not take effect after %s", doc, v.Version, vs[i-1].Version)
			}
		}
	}
	return p, nil
}

// parsePolicyFile splits a file into its header (the summary under "-")
// and its Markdown body.
func parsePolicyFile(s string) (PolicyVersion, string, error) {
	var v PolicyVersion
	s = strings.ReplaceAll(s, "\r\n", "\n")
	rest, ok := strings.CutPrefix(s, "---\n")
	if !ok {
		return v, "", fmt.Errorf("no header")
	}
	head, body, ok := strings.Cut(rest, "\n---\n")
	if !ok {
		return v, "", fmt.Errorf("header not closed")
	}
	v.summary = map[string]string{}
	seen := map[string]bool{}
	for _, line := range strings.Split(head, "\n") {
		k, val, ok := strings.Cut(line, ":")
		if !ok {
			return v, "", fmt.Errorf("header line %q", line)
		}
		k, val = strings.TrimSpace(k), strings.TrimSpace(val)
		var err error
		switch k {
		case "version":
			v.Version = val
		case "effective":
			v.Effective, err = civil.Parse(val)
		case "announced":
			v.Announced, err = civil.Parse(val)
		case "material":
			if val != "true" && val != "false" {
				err = fmt.Errorf("material is true or false")
			}
			v.Material = val == "true"
		case "summary":
			v.summary["-"] = val
		default:
			err = fmt.Errorf("unknown header %q", k)
		}
		if err != nil {
			return v, "", fmt.Errorf("header %s: %w", k, err)
		}
		seen[k] = true
	}
	for _, k := range []string{"version", "effective", "announced", "material", "summary"} {
		if !seen[k] {
			return v, "", fmt.Errorf("header has no %s", k)
		}
	}
	return v, strings.TrimSpace(body) + "\n", nil
}

// Published are the versions of doc announced by today, oldest first: an
// upcoming version is readable from its announcement on.
func (p *Policies) Published(doc PolicyDoc, today civil.Date) []PolicyVersion {
	var out []PolicyVersion
	for _, v := range p.versions[doc] {
		if !v.Announced.After(today) {
			out = append(out, v)
		}
	}
	return out
}

// Current is the newest version of doc in effect today (the first version
// before any is in effect).
func (p *Policies) Current(doc PolicyDoc, today civil.Date) PolicyVersion {
	vs := p.versions[doc]
	cur := vs[0]
	for _, v := range vs[1:] {
		if !v.Effective.After(today) {
			cur = v
		}
	}
	return cur
}

// Upcoming is the announced version of doc that takes effect after today,
// if any (the earliest, should there be two).
func (p *Policies) Upcoming(doc PolicyDoc, today civil.Date) (PolicyVersion, bool) {
	for _, v := range p.Published(doc, today) {
		if v.Effective.After(today) {
			return v, true
		}
	}
	return PolicyVersion{}, false
}

// Find is a published version of doc by its version.
func (p *Policies) Find(doc PolicyDoc, version string, today civil.Date) (PolicyVersion, bool) {
	for _, v := range p.Published(doc, today) {
		if v.Version == version {
			return v, true
		}
	}
	return PolicyVersion{}, false
}
