package audit

// Pending is how many appended events are not yet written (tests wait for
// a queue to fill).
func (a *Appender) Pending() int64 { return a.pending.Load() }
