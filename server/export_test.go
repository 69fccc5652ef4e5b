package server

// SetAfterClaim installs a hook that runs while an adjustment holds its
// idempotency key in flight (nil removes it).
func (s *Server) SetAfterClaim(f func()) {
	if f == nil {
		s.afterClaim.Store(nil)
		return
	}
	s.afterClaim.Store(&f)
}
