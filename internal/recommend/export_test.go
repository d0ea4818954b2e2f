package recommend

// The tests in package recommend_test generate their logs with package offline, which
// imports this one, so they reach the hybrid's picked rank through these names.

// LowRanks are the ranks the hybrid chooses among.
var LowRanks = lowRanks

// LowUse is the rank the hybrid picked on validation.
func (h *Hybrid) LowUse() int { return h.lowUse }
