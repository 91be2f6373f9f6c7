package dunning

// Settings are an organisation's dunning policy (DOMAIN.md §6: stages and
// intervals are the landlord's policy). The days of the letter stages count
// from a charge's due date; a later stage also waits as long after the
// previous letter as the stages are apart, so a letter sent late does not
// bring the next one forward.
type Settings struct {
	ReminderDays int // herinnering
	NoticeDays   int // aanmaning
	FinalDays    int // the 14-day letter to a consumer, the sommatie to a company
	// TermDays is the final letter's term to pay, counted from the day after
	// receipt: at least 14 days for a consumer (art. 6:96 lid 6 BW).
	TermDays int
	// ReceiptDays are the days after its date a letter is taken to be
	// received; the term starts the day after (uncertain: a setting).
	ReceiptDays int
	// HandoverDays are the days after the final letter's term before a
	// hand-over to a bailiff or collection agency is proposed.
	HandoverDays int
	// PlanGraceDays: a payment plan whose term is this many days late and
	// not paid is broken, and its charges return to dunning.
	PlanGraceDays int
	// CostsVAT adds VAT to the collection costs: only where the landlord
	// cannot reclaim it (art. 2 lid 3 of the Besluit; uncertain: a setting).
	CostsVAT bool
	// CompanyCosts charges a company the costs of the same scale after its
	// sommatie (the B2B route: the scale applies unless the lease says
	// otherwise; uncertain: a setting, off by default).
	CompanyCosts bool
}

// DefaultSettings are the settings of an organisation that set none.
func DefaultSettings() Settings {
	return Settings{ReminderDays: 7, NoticeDays: 21, FinalDays: 35, TermDays: MinTermDays, ReceiptDays: 2, HandoverDays: 7,
		PlanGraceDays: 7}
}

// MinTermDays is the least term of a 14-day letter (art. 6:96 lid 6 BW).
const MinTermDays = 14

// days is the days after the due date of a letter stage.
func (st Settings) days(s Stage) int {
	switch s {
	case StageReminder:
		return st.ReminderDays
	case StageNotice:
		return st.NoticeDays
	case StageWIK, StageDemand:
		return st.FinalDays
	}
	return 0
}

// validate names what is wrong with st, field by field.
func (st Settings) validate() map[string]string {
	fe := map[string]string{}
	between := func(field string, v, lo, hi int) {
		if v < lo || v > hi {
			fe[field] = "dunning.settings.days_range"
		}
	}
	between("reminder_days", st.ReminderDays, 1, 365)
	between("notice_days", st.NoticeDays, 1, 365)
	between("final_days", st.FinalDays, 1, 365)
	between("receipt_days", st.ReceiptDays, 0, 10)
	between("handover_days", st.HandoverDays, 0, 365)
	between("plan_grace_days", st.PlanGraceDays, 0, 60)
	if st.TermDays < MinTermDays || st.TermDays > 60 {
		fe["term_days"] = "dunning.settings.term_min"
	}
	if _, bad := fe["notice_days"]; !bad && st.NoticeDays <= st.ReminderDays {
		fe["notice_days"] = "dunning.settings.order"
	}
	if _, bad := fe["final_days"]; !bad && st.FinalDays <= st.NoticeDays {
		fe["final_days"] = "dunning.settings.order"
	}
	return fe
}
