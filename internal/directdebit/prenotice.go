package directdebit

import (
	"context"
	"fmt"
	netmail "net/mail"
	"strings"

	"hms/internal/account"
	"hms/internal/money"
	"hms/internal/platform/db"
	"hms/internal/platform/mail"
)

// PurposePrenotice is the purpose of reading debtors' e-mail addresses for
// a pre-notification (relations logs it).
const PurposePrenotice = "directdebit.prenotice"

// prenotify mails each debtor whose debits in batch b were not announced by
// their invoice early enough (DOMAIN §5.3): the amounts, the collection
// date, the mandate reference and the Incassant-ID. It goes to the tenant
// the mandate is of when they have an e-mail address, else to each tenant
// of the lease who has one. The outbox sends it only if the batch commits.
func (s *Service) prenotify(ctx context.Context, tx *db.Tx, a account.Actor, b *Batch, p *Preview, pl *planned,
	mandates map[int64]*storedMandate) error {
	var order []int64
	lines := map[int64][]Line{}
	for _, ln := range p.Lines {
		if ln.Prenotice != PrenoticeMail {
			continue
		}
		if _, ok := lines[ln.MandateID]; !ok {
			order = append(order, ln.MandateID)
		}
		lines[ln.MandateID] = append(lines[ln.MandateID], ln)
	}
	if len(order) == 0 {
		return nil
	}
	if s.outbox == nil {
		return fmt.Errorf("directdebit: no outbox for pre-notifications")
	}
	for _, mid := range order {
		m := mandates[mid]
		var to []int64
		if m.PartyID != 0 && pl.tenants[m.PartyID] {
			to = []int64{m.PartyID}
		} else if l := pl.leases[m.LeaseID]; l != nil {
			for _, id := range l.tenantIDs {
				if pl.tenants[id] {
					to = append(to, id)
				}
			}
		}
		facts, err := s.relations.PartyFacts(ctx, tx, a, PurposePrenotice, to...)
		if err != nil {
			return err
		}
		for _, id := range to {
			f := facts[id]
			if f.Email == "" || f.Restricted {
				continue // a restricted person is mailed nothing (the preview left their lease out already)
			}
			lang := "nl"
			if strings.HasPrefix(f.Language, "en") {
				lang = "en"
			}
			msg := s.prenoticeMail(lang, f.DisplayName, b, m, lines[mid])
			msg.To = (&netmail.Address{Name: f.DisplayName, Address: f.Email}).String()
			if _, err := s.outbox.Send(ctx, tx, msg); err != nil {
				return fmt.Errorf("directdebit: pre-notification for mandate %d: %w", mid, err)
			}
		}
	}
	return nil
}

// prenoticeMail is the pre-notification of a mandate's debits in a batch,
// in lang, to name.
func (s *Service) prenoticeMail(lang, name string, b *Batch, m *storedMandate, lines []Line) mail.Message {
	T := func(id string, kv ...any) string {
		data := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			data[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return s.texts.T(lang, id, data)
	}
	var total money.Cents
	var list []string
	for _, ln := range lines {
		total += ln.Amount
		list = append(list, "- "+T("directdebit.prenotice.line", "Number", ln.InvoiceNumber, "Lease", ln.LeaseReference,
			"Amount", money.Format(ln.Amount, lang)))
	}
	account := m.IBAN
	if len(account) > 4 {
		account = account[len(account)-4:]
	}
	subject := T("directdebit.prenotice.subject", "Creditor", b.CreditorName, "Date", b.CollectionDate.Long(lang))
	text := T("directdebit.prenotice.body", "Name", name, "Creditor", b.CreditorName, "Date", b.CollectionDate.Long(lang),
		"Total", money.Format(total, lang), "Lines", strings.Join(list, "\n"), "Reference", m.Reference,
		"CreditorID", b.CreditorID, "Account", account)
	return mail.Message{Subject: subject, Text: text + "\n"}
}
