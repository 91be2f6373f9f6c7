package money

// MaxAmount bounds every amount that enters HMS (a payment, a lease
// component, a deposit, a cost entry, a chosen allocation): €100 million.
// Far beyond any rent, it keeps sums over millions of ledger rows well
// inside int64 on both database engines, so what the ledger holds can
// always be added up and shown.
const MaxAmount Cents = 100_000_000_00

// InBounds reports whether c lies within ±MaxAmount.
func (c Cents) InBounds() bool { return c >= -MaxAmount && c <= MaxAmount }

// TooLarge is the message id for an amount beyond MaxAmount.
const TooLarge = "amount.too_large"
