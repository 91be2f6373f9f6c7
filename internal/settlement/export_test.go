package settlement

// SetBatch changes how many occupancies one send transaction handles, so a
// test can make a send take several transactions.
func (st *Statements) SetBatch(n int) {
	if n > 0 {
		st.batch = n
	}
}
