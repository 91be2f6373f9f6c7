package web

import (
	"net/http"

	"hms/internal/account"
	"hms/internal/platform/validation"
)

// Cancellation on the subscription page (issue 14): the owner confirms in
// words (when it takes effect, until when the export can be downloaded,
// when everything is destroyed) and can undo it until it takes effect.

func (s *Server) subscriptionCancel(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "subscription.title")
	again := onPage(func(status int) { s.renderSubscription(w, r, status, p) }, pageProblems)
	var err error
	if !f.Bool("confirm") {
		err = validation.Errors{"confirm": "subscription.cancel_confirm_required"}
	}
	if err == nil {
		err = f.Err()
	}
	if err == nil {
		_, err = s.Subscriptions.Cancel(r.Context(), actorOf(r))
	}
	if err != nil {
		s.fail(w, r, err, p, again)
		return
	}
	s.flash(r, "subscription.cancelled")
	http.Redirect(w, r, s.subscriptionPath(r), http.StatusSeeOther)
}

func (s *Server) subscriptionUndoCancel(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "subscription.title")
	err := readForm(r).Err() // nothing to read, but unclean input is refused like anywhere
	if err == nil {
		err = s.Subscriptions.Undo(r.Context(), actorOf(r))
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) { s.renderSubscription(w, r, status, p) }, pageProblems))
		return
	}
	s.flash(r, "subscription.cancel_undone")
	http.Redirect(w, r, s.subscriptionPath(r), http.StatusSeeOther)
}

// IsOwner reports whether the page's actor owns the organisation (only
// owners cancel).
func (p *page) IsOwner() bool { return p.Actor.Role == account.Owner }
