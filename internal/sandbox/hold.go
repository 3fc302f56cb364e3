package sandbox

import "sync"

// HoldRequests makes API requests to route ("METHOD /template", as Routes names them) wait, once
// they have passed every check and just before their operation runs, until release is called;
// entered receives a value as each one starts waiting. Tests hold a request in flight at a known
// point with it, instead of racing a slow sandbox: to interrupt Terraform while a create is
// outstanding, say. It must be called before the sandbox serves requests, and holds one route.
func (s *Sandbox) HoldRequests(route string) (entered <-chan struct{}, release func()) {
	in := make(chan struct{}, 1024)
	done := make(chan struct{})
	s.gate = func(name string) {
		if name == route {
			in <- struct{}{}
			<-done
		}
	}
	return in, sync.OnceFunc(func() { close(done) })
}
