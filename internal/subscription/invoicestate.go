package subscription

// InvoiceState is where one of HMS's invoices to a customer stands.
type InvoiceState string

const (
	InvoiceOpen InvoiceState = "open" // issued, not yet paid
	InvoicePaid InvoiceState = "paid" // paid, by collection or transfer
)

// InvoiceStates are the states an invoice can be in, for the API's enum.
var InvoiceStates = []InvoiceState{InvoiceOpen, InvoicePaid}
