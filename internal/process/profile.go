//go:build benchprofile

package process

import (
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof" // serves /debug/pprof/ on the listener below
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
)

// StartProfiling, in the benchprofile build (make bench PROFILE=dir), writes a CPU and an allocation profile per
// provider process into the directory named by CODAT_PROVIDER_PROFILE_DIR, and serves net/http/pprof on a loopback
// port it writes to pprof-<pid>.addr there, for looking at a running provider. Release builds carry none of this.
func StartProfiling() (stop func()) {
	dir := os.Getenv("CODAT_PROVIDER_PROFILE_DIR")
	if dir == "" {
		return func() {}
	}
	name := func(kind string) string { return filepath.Join(dir, fmt.Sprintf("%s-%d", kind, os.Getpid())) }
	cpu, err := os.Create(name("cpu") + ".pprof")
	if err != nil {
		fmt.Fprintln(os.Stderr, "profiling:", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(cpu); err != nil {
		fmt.Fprintln(os.Stderr, "profiling:", err)
		cpu.Close()
		return func() {}
	}
	if ln, err := net.Listen("tcp", "127.0.0.1:0"); err == nil {
		go func() { _ = http.Serve(ln, nil) }()
		_ = os.WriteFile(name("pprof")+".addr", []byte(ln.Addr().String()), 0o600)
	}
	return func() {
		pprof.StopCPUProfile()
		cpu.Close()
		heap, err := os.Create(name("heap") + ".pprof")
		if err != nil {
			fmt.Fprintln(os.Stderr, "profiling:", err)
			return
		}
		defer heap.Close()
		runtime.GC()
		if err := pprof.Lookup("allocs").WriteTo(heap, 0); err != nil {
			fmt.Fprintln(os.Stderr, "profiling:", err)
		}
	}
}
