package bench

import (
	"os"
	"slices"
	"strings"
)

// Terraform starts the provider itself, so the bench puts a wrapper where Terraform looks for the provider (a
// dev_overrides directory). The wrapper is the bench's own executable: with envWrapTarget set it runs the real
// provider as its child, hands it stdin, stdout and stderr (the go-plugin handshake passes straight through),
// and when the child exits writes the child's resource usage, from wait4, to envWrapStats. The kernel's peak
// resident set size of the child (ru_maxrss) is exact, unlike sampling /proc.
const (
	envWrapTarget = "CODAT_BENCH_PROVIDER"
	envWrapStats  = "CODAT_BENCH_STATS_DIR"
)

// processStats is what the wrapper records about one provider process.
type processStats struct {
	PID        int   `json:"pid"`
	MaxRSSKiB  int64 `json:"max_rss_kib"`
	UserMicros int64 `json:"user_us"`
	SysMicros  int64 `json:"sys_us"`
	WallMicros int64 `json:"wall_us"`
	ExitCode   int   `json:"exit_code"`
}

// WrapIfRequested runs the wrapper and exits when the process was started as one; otherwise it returns at once.
// Call it first thing in main (and in TestMain of tests that run the bench).
func WrapIfRequested() {
	target := os.Getenv(envWrapTarget)
	if target == "" {
		return
	}
	os.Exit(wrap(target, os.Getenv(envWrapStats)))
}

// withoutEnv returns env without the variables named.
func withoutEnv(env []string, names ...string) []string {
	var out []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(names, name) {
			out = append(out, kv)
		}
	}
	return out
}

// envProfileDir tells a provider built with the benchprofile tag where to write its profiles (see internal/process).
const envProfileDir = "CODAT_PROVIDER_PROFILE_DIR"
