package billing

// SetFault makes every step of a run ask fault whether to fail there.
func (s *Service) SetFault(fault func(point string) error) { s.fault = fault }

// SetBatch sets how many leases one transaction of a run posts.
func (s *Service) SetBatch(n int) { s.batch = n }
