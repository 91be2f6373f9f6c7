package billing

import "context"

// SetFault makes every step of a run ask fault whether to fail there.
func (s *Service) SetFault(fault func(point string) error) {
	if fault == nil {
		s.fault = nil
		return
	}
	s.fault = func(_ context.Context, point string) error { return fault(point) }
}

// SetFaultContext is SetFault with the run's context, for a fault that
// waits for the worker to be stopped.
func (s *Service) SetFaultContext(fault func(ctx context.Context, point string) error) {
	s.fault = fault
}

// SetBatch sets how many leases one transaction of a run posts.
func (s *Service) SetBatch(n int) { s.batch = n }
