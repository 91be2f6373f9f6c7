package subscription

// InvoiceState is how one of HMS's invoices to a customer is stored: open
// or paid (the console's finer status, with collecting and returned, is
// Invoice.Status).
type InvoiceState string

const (
	InvoiceStateOpen InvoiceState = InvoiceOpen
	InvoiceStatePaid InvoiceState = InvoicePaid
)

// InvoiceStates are the stored states, for the API's enum.
var InvoiceStates = []InvoiceState{InvoiceStateOpen, InvoiceStatePaid}
