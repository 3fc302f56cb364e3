package sandbox

import "sync"

// HoldRequests makes API requests to route wait, once they have passed every check and just
// before their operation runs, until release is called. entered receives a value as each one
// starts waiting. It must be called before the sandbox serves requests. Tests use it to hold a
// request in flight while they interrupt or race the client deterministically.
func (s *Sandbox) HoldRequests(route string) (entered <-chan struct{}, release func()) {
	in := make(chan struct{}, 64)
	done := make(chan struct{})
	s.gate = func(name string) {
		if name == route {
			in <- struct{}{}
			<-done
		}
	}
	return in, sync.OnceFunc(func() { close(done) })
}
