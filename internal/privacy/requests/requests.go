// Package requests is the subject-request process (PRIVACY.md P12, P20–P22;
// DOMAIN.md §9.1): a person asks for access, rectification, completion,
// erasure, portability, restriction or objection, or reports special or
// minors' data processed unlawfully. The request comes in on the website, in
// the back office (recorded on the person's behalf) or through the API; the
// requester's identity is checked by an e-mailed code or by a person who saw
// it (manual verification, a note; never a copy of a document); the request
// goes to whoever is controller: HMS for its own accounts and website (the
// console), the landlord for the data it entered (its inbox in the back
// office), or the console when the landlord's name matches no single
// organisation, from where staff forward it.
//
// Requests live in two tables with the same columns: privacy_requests is an
// organisation's inbox (organisation transactions), privacy_platform_requests
// HMS's own (System transactions). Everything the requester said is one
// sealed document under a vault subject per request.
package requests

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
	"time"

	"hms/internal/platform/civil"
)

// Kind is what the requester asks for.
type Kind string

// The kinds (GDPR art. 15–18, 20, 21; P12).
const (
	Access        Kind = "access"        // art. 15: a copy of the data
	Rectification Kind = "rectification" // art. 16: correct what is wrong
	Completion    Kind = "completion"    // art. 16: add what is missing
	Erasure       Kind = "erasure"       // art. 17
	Portability   Kind = "portability"   // art. 20: the data in a machine-readable form
	Restriction   Kind = "restriction"   // art. 18
	Objection     Kind = "objection"     // art. 21
	Unlawful      Kind = "unlawful"      // P12: special or minors' data processed unlawfully; erased with priority
)

// Kinds in the order the form offers them.
var Kinds = []Kind{Access, Rectification, Completion, Erasure, Portability, Restriction, Objection, Unlawful}

// State is where a request stands.
type State string

// The states: received → verifying → in progress → (awaiting controller) →
// (extended) → completed | refused.
const (
	Received           State = "received"            // recorded, identity not yet checked
	Verifying          State = "verifying"           // a code was mailed to the requester
	InProgress         State = "in_progress"         // identity checked: the handler acts
	AwaitingController State = "awaiting_controller" // forwarded by staff to the customer who is controller
	Extended           State = "extended"            // the term was extended (art. 12(3))
	Completed          State = "completed"
	Refused            State = "refused"
)

// States in their order.
var States = []State{Received, Verifying, InProgress, AwaitingController, Extended, Completed, Refused}

// About says whom the request concerns, as the requester put it.
type About string

// Whom a request concerns.
const (
	AboutAccount  About = "account"  // their HMS account or the website: HMS is controller
	AboutLandlord About = "landlord" // data a landlord who uses HMS entered: the landlord is controller
)

// Abouts in the form's order.
var Abouts = []About{AboutAccount, AboutLandlord}

// Channel is where a request came in.
type Channel string

// The channels.
const (
	Website Channel = "website"
	Office  Channel = "office" // recorded in the back office on the person's behalf
	API     Channel = "api"
)

// Channels in their order.
var Channels = []Channel{Website, Office, API}

// Terms of the process.
const (
	CodeTTL       = 10 * time.Minute    // an e-mailed code is valid this long
	CodeAttempts  = 3                   // wrong codes before the code is spent
	CodeSends     = 3                   // codes one request may be sent
	VerifyTTL     = 24 * time.Hour      // the code form's link
	DownloadTTL   = 14 * 24 * time.Hour // the export's download link
	RemindBefore  = 7                   // days before the due date the handlers are reminded
	MaxExtension  = 2                   // months the term may be extended by, once
	MaxNoteLength = 4000
)

// DueOn is the day a request received at t must be answered: one calendar
// month later on the Amsterdam calendar (Regulation 1182/71: the day of
// receipt does not count; 31 January → 28 or 29 February).
func DueOn(t time.Time) civil.Date { return civil.Today(t).AddMonths(1) }

// ExtendedDue is the new due day when the term is extended by months (1 or
// 2) from the first due day.
func ExtendedDue(firstDue civil.Date, months int) civil.Date { return firstDue.AddMonths(months) }

// CanExtend reports whether a request may still be extended on today: once,
// by at most two months, and only within the first month.
func CanExtend(r *Request, today civil.Date) bool {
	return r.Open() && r.State != Extended && r.DueOn == r.FirstDueOn && !today.After(r.FirstDueOn)
}

// Personal is what the requester told, sealed as one document.
type Personal struct {
	Name     string            `json:"name"`
	Email    string            `json:"email"`
	Landlord string            `json:"landlord,omitempty"` // the landlord's name as given
	Details  string            `json:"details,omitempty"`  // the request in the requester's words
	Proposed map[string]string `json:"proposed,omitempty"` // rectification/completion: field → proposed value
	Note     string            `json:"note,omitempty"`     // manual verification: what was seen
	Reason   string            `json:"reason,omitempty"`   // refusal reason (free text)
	Extend   string            `json:"extend,omitempty"`   // why the term was extended
	Done     string            `json:"done,omitempty"`     // what was done (restriction, objection)
}

// Request is one subject request.
type Request struct {
	ID         int64
	OrgID      int64 // 0: HMS's own (the console)
	Kind       Kind
	About      About
	Channel    Channel
	State      State
	Priority   bool
	Lang       string
	ReceivedAt time.Time
	DueOn      civil.Date
	FirstDueOn civil.Date
	VerifiedAt time.Time
	VerifiedBy string // "code" or "manual"
	PersonID   int64  // the relation the landlord matched
	RefusalID  string // a message id for a refusal the law gives (an erasure refused)
	Outcome    string // a message id: what was done
	ClosedAt   time.Time
	Forwarded  int64 // console: the organisation it was forwarded to
	Linked     int64 // console: the organisation's request; inbox: the console's
	HasExport  bool
	Personal   Personal

	subject    int64
	codeHash   string
	codeExpiry time.Time
	attempts   int
	sends      int
}

// Open reports whether the request still waits for an answer.
func (r *Request) Open() bool { return r.State != Completed && r.State != Refused }

// Overdue reports whether the request is open after its due day.
func (r *Request) Overdue(today civil.Date) bool { return r.Open() && today.After(r.DueOn) }

// Verified reports whether the requester's identity was checked.
func (r *Request) Verified() bool { return !r.VerifiedAt.IsZero() }

// Erases reports whether the request asks for erasure (P12 included).
func (r *Request) Erases() bool { return r.Kind == Erasure || r.Kind == Unlawful }

// Exports reports whether the request is answered with the export.
func (r *Request) Exports() bool { return r.Kind == Access || r.Kind == Portability }

// Corrects reports whether the request proposes new values.
func (r *Request) Corrects() bool { return r.Kind == Rectification || r.Kind == Completion }

// newCode is a random six-digit code.
func newCode() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1000000))
	if err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return fmt.Sprintf("%06d", n.Int64())
}

// newSecret is a link's secret and its hash.
func newSecret(prefix string) (token, hash string) {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	token = prefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
	return token, hashOf(token)
}

// hashOf is the stored form of a secret; a code is hashed with its
// request's subject so equal codes of two requests differ.
func hashOf(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:])
}
