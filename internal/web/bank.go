package web

import (
	"fmt"
	"net/http"
	"net/url"

	"hms/internal/account"
	"hms/internal/bank"
	"hms/internal/money"
	"hms/internal/sepa"
)

// The bank settings page: the organisation's accounts and its SEPA creditor
// settings, one page under finance.

type bankView struct {
	Accounts            []bank.Account
	Purposes            []bank.Purpose
	DirectDebitVersions []sepa.DirectDebitVersion
	TransferVersions    []sepa.TransferVersion
	Editing             *bank.Account // the account of the edit form, nil on the list
	CanWrite            bool
}

func (s *Server) bankPath(r *http.Request) string { return s.financePath(r) + "/bank" }

func (s *Server) newBankView(r *http.Request) bankView {
	return bankView{Purposes: bank.Purposes, DirectDebitVersions: bank.DirectDebitVersions, TransferVersions: bank.TransferVersions,
		CanWrite: actorOf(r).Can(account.PermFinanceWrite)}
}

// bankPage renders the list with the add form and the settings form; form
// holds what was typed when a save failed.
func (s *Server) bankPage(w http.ResponseWriter, r *http.Request, status int, p *page) {
	a := actorOf(r)
	v := s.newBankView(r)
	var err error
	if v.Accounts, err = s.Bank.Accounts(r.Context(), a); err != nil {
		s.fail(w, r, err, p)
		return
	}
	if len(p.Form) == 0 {
		st, err := s.Bank.Settings(r.Context(), a)
		if err != nil {
			s.fail(w, r, err, p)
			return
		}
		p.Form = url.Values{"creditor_id": {st.CreditorID}, "creditor_name": {st.CreditorName},
			"prenotice_days": {fmt.Sprint(st.PrenoticeDays)}, "lead_business_days": {fmt.Sprint(st.LeadBusinessDays)},
			"storno_fee": {money.FormatPlain(st.StornoFee, p.Lang)},
			"purpose":    {string(bank.PurposeRent)}}
	}
	p.Data = v
	s.render(w, r, status, "bank", p)
}

func (s *Server) bankSettings(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "bank.title")
	p.Nav = "finance"
	s.bankPage(w, r, http.StatusOK, p)
}

func (s *Server) bankAddAccount(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "bank.title")
	p.Nav = "finance"
	err := f.Err()
	if err == nil {
		_, err = s.Bank.AddAccount(r.Context(), actorOf(r), bankAccountInput(f))
	}
	if err != nil {
		s.fail(w, r, err, p, again{render: func(status int) { p.Form = f.values; s.bankPage(w, r, status, p) }})
		return
	}
	s.flash(r, "bank.account.added")
	http.Redirect(w, r, s.bankPath(r), http.StatusSeeOther)
}

func bankAccountInput(f *form) bank.AccountInput {
	return bank.AccountInput{IBAN: f.String("iban"), StatementNumber: f.String("statement_number"), BIC: f.String("bic"), Name: f.String("name"),
		Purpose: bank.Purpose(f.String("purpose")), DirectDebitVersion: sepa.DirectDebitVersion(f.String("direct_debit_version")),
		TransferVersion: sepa.TransferVersion(f.String("transfer_version"))}
}

func (s *Server) bankAccountForm(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "bank.title")
	p.Nav = "finance"
	ac, err := s.Bank.Account(r.Context(), actorOf(r), pathID(r, "id"))
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Form = url.Values{"iban": {ac.IBAN}, "statement_number": {ac.StatementNumber}, "bic": {ac.BIC}, "name": {ac.Name}, "purpose": {string(ac.Purpose)},
		"direct_debit_version": {string(ac.DirectDebitVersion)}, "transfer_version": {string(ac.TransferVersion)}}
	if ac.Archived {
		p.Form.Set("archived", "1")
	}
	s.renderAccountForm(w, r, http.StatusOK, p, ac)
}

func (s *Server) renderAccountForm(w http.ResponseWriter, r *http.Request, status int, p *page, ac bank.Account) {
	v := s.newBankView(r)
	v.Editing = &ac
	p.Data = v
	s.render(w, r, status, "bank", p)
}

func (s *Server) bankSaveAccount(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "bank.title")
	p.Nav = "finance"
	a, id := actorOf(r), pathID(r, "id")
	ac, err := s.Bank.Account(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	if err = f.Err(); err == nil {
		err = s.Bank.UpdateAccount(r.Context(), a, id, bankAccountInput(f), f.Bool("archived"))
	}
	if err != nil {
		s.fail(w, r, err, p, again{render: func(status int) { p.Form = f.values; s.renderAccountForm(w, r, status, p, ac) }})
		return
	}
	s.flash(r, "bank.account.changed")
	http.Redirect(w, r, s.bankPath(r), http.StatusSeeOther)
}

func (s *Server) bankSaveSettings(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "bank.title")
	p.Nav = "finance"
	st := bank.Settings{CreditorID: f.String("creditor_id"), CreditorName: f.String("creditor_name"), StornoFee: f.Money("storno_fee")}
	// A typed 0 or less is no number of days: -1 lets the service name the
	// field (0 would mean "the default").
	if f.Filled("prenotice_days") {
		if st.PrenoticeDays = f.Int("prenotice_days"); st.PrenoticeDays <= 0 {
			st.PrenoticeDays = -1
		}
	}
	if f.Filled("lead_business_days") {
		if st.LeadBusinessDays = f.Int("lead_business_days"); st.LeadBusinessDays <= 0 {
			st.LeadBusinessDays = -1
		}
	}
	err := f.Err()
	if err == nil {
		err = s.Bank.SaveSettings(r.Context(), actorOf(r), st)
	}
	if err != nil {
		s.fail(w, r, err, p, again{render: func(status int) { p.Form = f.values; s.bankPage(w, r, status, p) }})
		return
	}
	s.flash(r, "bank.settings.saved")
	http.Redirect(w, r, s.bankPath(r), http.StatusSeeOther)
}
