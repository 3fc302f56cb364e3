package bench

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
)

// Backend is where Terraform keeps the state of a benchmarked configuration.
type Backend string

const (
	// BackendLocal is Terraform's default: terraform.tfstate in the working directory. Terraform rewrites the whole
	// file after every object it creates or deletes.
	BackendLocal Backend = "local"
	// BackendHTTP is Terraform's http backend, served by the bench. Like S3, GCS or HCP Terraform it keeps the
	// state in memory during an operation and uploads it every 20 seconds and at the end.
	BackendHTTP Backend = "http"
)

// ParseBackend checks a backend name.
func ParseBackend(s string) (Backend, error) {
	switch b := Backend(s); b {
	case BackendLocal, BackendHTTP:
		return b, nil
	}
	return "", fmt.Errorf("no backend %q (have local, http)", s)
}

// stateServer is the smallest server Terraform's http backend works with: GET returns the stored state or 404,
// POST stores it, DELETE forgets it. No locking: one terraform runs at a time.
type stateServer struct {
	url string
	srv *http.Server

	mu     sync.Mutex
	states map[string][]byte
}

func startStateServer() (*stateServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &stateServer{url: "http://" + ln.Addr().String(), states: map[string][]byte{}}
	s.srv = &http.Server{Handler: s}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

func (s *stateServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.Method {
	case http.MethodGet:
		b, ok := s.states[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(b)
	case http.MethodPost:
		b, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.states[r.URL.Path] = b
	case http.MethodDelete:
		delete(s.states, r.URL.Path)
	default:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// size is the size of a stored state.
func (s *stateServer) size(path string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return int64(len(s.states[path]))
}

func (s *stateServer) close() { _ = s.srv.Close() }
