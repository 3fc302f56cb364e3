package sandbox

import (
	"fmt"

	"github.com/google/uuid"
)

// AddCompanies creates n companies named "<prefix> <i>" (i from 1), without connections, as a Codat client
// with many customers already has. It is how tests and benchmarks give the sandbox tens of thousands of companies
// without as many API requests; the companies are the same as ones created through the API.
func (s *Sandbox) AddCompanies(prefix string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 1; i <= n; i++ {
		c := &company{
			Company: Company{
				ID:       uuid.NewString(),
				Name:     fmt.Sprintf("%s %d", prefix, i),
				Products: []string{},
				Created:  s.now(),
			},
			seq:         s.nextSeq(),
			connections: map[string]*connection{},
		}
		s.companies[c.ID] = c
	}
}
