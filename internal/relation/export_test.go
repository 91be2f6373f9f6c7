package relation

// SetStrategyThresholds moves the thresholds of searchIDs and pageOf for a
// test; the returned function restores them.
func SetStrategyThresholds(probe, sort, walk int) (restore func()) {
	p, s, w := probeBelow, sortBelow, walkBatch
	probeBelow, sortBelow, walkBatch = probe, sort, walk
	return func() { probeBelow, sortBelow, walkBatch = p, s, w }
}

// SetExactMatchesRead moves how many matches of an exact value are read in
// one statement; the returned function restores it.
func SetExactMatchesRead(n int) (restore func()) {
	old := exactMatchesRead
	exactMatchesRead = n
	return func() { exactMatchesRead = old }
}
