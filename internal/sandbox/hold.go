package sandbox

import "sync"

// HoldRequests makes API requests to route wait, once they have passed every check and just
// before their operation runs, until release is called. entered receives a value as each one
// starts waiting. Call it while no request is in flight (before the sandbox serves, or between
// two Terraform commands). Tests use it to hold a request while they interrupt or race the client. It panics
// when route is not one of Routes.
func (s *Sandbox) HoldRequests(route string) (entered <-chan struct{}, release func()) {
	s.mustServe(route, false)
	in := make(chan struct{}, 1024)
	done := make(chan struct{})
	// Set under the statistics lock, which every request takes before it reaches the gate, so
	// that requests served afterwards see it.
	s.stats.mu.Lock()
	s.gate = func(name string) {
		if name == route {
			in <- struct{}{}
			<-done
		}
	}
	s.stats.mu.Unlock()
	return in, sync.OnceFunc(func() { close(done) })
}
